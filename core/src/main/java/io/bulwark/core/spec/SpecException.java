package io.bulwark.core.spec;

import io.bulwark.core.BulwarkException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that cannot be used, with every problem found in it (not only the first), so that a user fixes
 * a config in one round. The message is one line: each problem as {@code file: path: problem}, joined by "; ".
 */
public class SpecException extends BulwarkException {
    private static final long serialVersionUID = 1L;

    private final transient List<SpecProblem> problems;

    public SpecException(List<SpecProblem> problems) {
        this(problems, null);
    }

    public SpecException(List<SpecProblem> problems, Throwable cause) {
        super(message(problems), cause);
        this.problems = List.copyOf(problems);
    }

    public static SpecException of(String file, String path, String problem, Throwable cause) {
        return new SpecException(List.of(new SpecProblem(file, path, problem)), cause);
    }

    public List<SpecProblem> problems() {
        return problems;
    }

    private static String message(List<SpecProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a SpecException needs at least one problem");
        }
        return problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; "));
    }
}
