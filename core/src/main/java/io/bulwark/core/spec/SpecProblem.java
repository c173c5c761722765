package io.bulwark.core.spec;

/**
 * One thing wrong with a configuration file: which file, where in it (a JSON path such as
 * {@code $.linux.uidMappings[0].size}) and what is wrong.
 */
public record SpecProblem(String file, String path, String problem) {
    @Override
    public String toString() {
        return file + ": " + path + ": " + problem;
    }
}
