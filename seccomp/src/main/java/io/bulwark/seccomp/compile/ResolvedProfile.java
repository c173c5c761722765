package io.bulwark.seccomp.compile;

import io.bulwark.seccomp.bpf.Verdict;
import java.util.List;

/**
 * An OCI seccomp section checked and resolved against this host's libseccomp and kernel, ready to compile.
 *
 * @param defaultVerdict   what happens to a syscall no rule matches
 * @param architectures    extra architecture tokens ({@code AUDIT_ARCH_*}); the native one is always included
 * @param flags            {@code SECCOMP_FILTER_FLAG_*} bits for installing the filter
 * @param listenerPath     where the notify listener fd goes, or null
 * @param listenerMetadata passed along with it, or null
 * @param rules            the rules, in profile order, one per (rule, known syscall name)
 * @param skippedNames     syscall names this libseccomp does not know (ignored, as runc does)
 * @param namedSyscalls    every syscall name the profile lists that this libseccomp knows, whatever its rule's
 *                         action (also those whose rule was dropped for having the default action)
 * @param highestNative    the highest native syscall number among them, or -1: above it, an errno default becomes
 *                         ENOSYS ({@link EnosysStub})
 */
public record ResolvedProfile(Verdict defaultVerdict, List<Integer> architectures, int flags, String listenerPath,
                              String listenerMetadata, List<ResolvedRule> rules, List<String> skippedNames,
                              List<String> namedSyscalls, int highestNative) {
    public ResolvedProfile {
        architectures = List.copyOf(architectures);
        rules = List.copyOf(rules);
        skippedNames = List.copyOf(skippedNames);
        namedSyscalls = List.copyOf(namedSyscalls);
    }

    /** What a native call numbered {@code nr} that no rule matches gets: the default, or ENOSYS above the names. */
    public Verdict unmatchedVerdict(int nr) {
        return highestNative >= 0 && Integer.compareUnsigned(nr, highestNative) > 0
            && EnosysStub.applies(defaultVerdict) ? Verdict.errno(EnosysStub.ENOSYS) : defaultVerdict;
    }
}
