package io.bulwark.policies.parse;

import io.bulwark.core.spec.SpecException;
import io.bulwark.core.spec.SpecProblem;
import java.util.List;

/** A policy file that cannot be used; carries every problem found, each with its file and JSON path. */
public final class PolicyException extends SpecException {
    private static final long serialVersionUID = 1L;

    public PolicyException(List<SpecProblem> problems) {
        super(problems);
    }

    public PolicyException(String file, String path, String problem) {
        this(List.of(new SpecProblem(file, path, problem)));
    }
}
