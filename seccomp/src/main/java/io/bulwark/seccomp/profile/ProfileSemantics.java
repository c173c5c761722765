package io.bulwark.seccomp.profile;

import io.bulwark.seccomp.bpf.Verdict;
import io.bulwark.seccomp.compile.ResolvedProfile;
import io.bulwark.seccomp.compile.ResolvedRule;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a profile means, read straight from its rules rather than from compiled BPF: a syscall gets the action of
 * the rule that matches it (its number and, for some alternative, all of that alternative's argument conditions),
 * otherwise the default action (ENOSYS instead of an errno default for a number above every syscall the profile
 * names, see {@link io.bulwark.seccomp.compile.EnosysStub}). The property tests hold the compiled filter, run by the BPF interpreter, to this.
 */
public final class ProfileSemantics {
    private ProfileSemantics() {
    }

    /** Thrown when rules with different actions match the same call: the profile does not say what happens. */
    public static final class AmbiguousException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AmbiguousException(String message) {
            super(message);
        }
    }

    /** The verdict for native syscall {@code nr} with {@code args} (missing arguments are 0). */
    public static Verdict evaluate(ResolvedProfile profile, int nr, long... args) {
        long[] a = java.util.Arrays.copyOf(args, 6);
        Set<Verdict> matched = new LinkedHashSet<>();
        for (ResolvedRule rule : profile.rules()) {
            if (rule.nr() == nr && rule.matches(a)) {
                matched.add(rule.verdict());
            }
        }
        if (matched.size() > 1) {
            throw new AmbiguousException("rules with different actions match syscall " + nr + ": " + matched);
        }
        return matched.isEmpty() ? profile.unmatchedVerdict(nr) : matched.iterator().next();
    }
}
