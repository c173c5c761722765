package io.bulwark.core.spi;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.Seccomp;
import java.util.ServiceLoader;

/**
 * Turns an OCI {@code linux.seccomp} section into the BPF program the shim installs. Implemented by the seccomp
 * module and found with {@link ServiceLoader}, so that core does not depend on libseccomp.
 */
public interface SeccompCompiler {

    /**
     * Compiles a seccomp section for the host's architecture.
     *
     * @param seccomp the section
     * @param source  the file it came from, named in errors (e.g. {@code /path/config.json})
     * @param jsonPath where the section sits in that file (e.g. {@code linux.seccomp}), named in errors
     * @throws BulwarkException naming file, JSON path and problem for an invalid profile, or when libseccomp is
     *                          missing or too old
     */
    SeccompProgram compile(Seccomp seccomp, String source, String jsonPath);

    /**
     * The built-in default profile for a process with the given capabilities (the union of its sets decides which
     * capability-conditional groups of syscalls are allowed).
     */
    Seccomp defaultProfile(Capabilities capabilities);

    /** The implementation on the class path; throws when the seccomp module is absent. */
    static SeccompCompiler load() {
        return ServiceLoader.load(SeccompCompiler.class).findFirst()
            .orElseThrow(() -> new BulwarkException("seccomp support is not on the class path (module bulwark-seccomp)"));
    }
}
