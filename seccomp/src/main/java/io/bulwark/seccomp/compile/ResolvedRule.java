package io.bulwark.seccomp.compile;

import io.bulwark.seccomp.bpf.Verdict;
import io.bulwark.seccomp.libseccomp.ArgCondition;
import java.util.List;

/**
 * One OCI rule for one syscall, with names and actions resolved: the rule applies when every condition of at
 * least one alternative holds. An OCI rule's conditions form one alternative (all must hold), except when two of
 * them test the same argument: then, as runc does, each condition is an alternative of its own.
 *
 * @param name         the syscall's name as the profile gave it
 * @param nr           libseccomp's number for it (negative pseudo numbers for syscalls of other architectures)
 * @param verdict      the action and its errno/trace data
 * @param alternatives at least one list of conditions; an empty list means "always"
 * @param jsonPath     where the rule came from, for error messages
 */
public record ResolvedRule(String name, int nr, Verdict verdict, List<List<ArgCondition>> alternatives,
                           String jsonPath) {
    public ResolvedRule {
        alternatives = alternatives.stream().map(List::copyOf).toList();
        if (alternatives.isEmpty()) {
            throw new IllegalArgumentException("a rule needs at least one alternative");
        }
    }

    public boolean matches(long[] args) {
        for (List<ArgCondition> alternative : alternatives) {
            if (alternative.stream().allMatch(c -> c.test(args))) {
                return true;
            }
        }
        return false;
    }
}
