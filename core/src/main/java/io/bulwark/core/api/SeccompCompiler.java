package io.bulwark.core.api;

import io.bulwark.core.spec.Process;
import io.bulwark.core.spec.Seccomp;

/** Compiles a {@code linux.seccomp} section to a classic-BPF program (an array of struct sock_filter). */
@FunctionalInterface
public interface SeccompCompiler {
    byte[] compile(Seccomp seccomp, Process process);
}
