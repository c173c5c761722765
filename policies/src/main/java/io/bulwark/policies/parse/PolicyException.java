package io.bulwark.policies.parse;

import io.bulwark.core.BulwarkException;
import java.util.List;
import java.util.stream.Collectors;

/** A policy file that cannot be used; carries every problem found, each with its file and JSON path. */
public final class PolicyException extends BulwarkException {
    private static final long serialVersionUID = 1L;

    private final transient List<PolicyProblem> problems;

    public PolicyException(List<PolicyProblem> problems) {
        super(problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("; ")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no problems");
        }
        this.problems = List.copyOf(problems);
    }

    public PolicyException(String file, String path, String problem) {
        this(List.of(new PolicyProblem(file, path, problem)));
    }

    public List<PolicyProblem> problems() {
        return problems;
    }
}
