package io.bulwark.policies.parse;

/**
 * One thing wrong with a policy file: the file, the JSON path inside it ({@code $.resources.memory.max}) and what
 * is wrong.
 */
public record PolicyProblem(String file, String path, String problem) {

    @Override
    public String toString() {
        return file + ": " + path + ": " + problem;
    }
}
