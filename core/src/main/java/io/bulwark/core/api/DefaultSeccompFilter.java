package io.bulwark.core.api;

import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spi.SeccompCompiler;

/**
 * Seccomp on by default: a config without a {@code linux.seccomp} section gets the built-in default profile,
 * unless it opts out explicitly with the annotation {@code io.bulwark.seccomp=unconfined} (which a tenant policy
 * can forbid; admission runs before this filter).
 */
public final class DefaultSeccompFilter implements SpecFilter {
    public static final String ANNOTATION = "io.bulwark.seccomp";
    public static final String UNCONFINED = "unconfined";

    private final SeccompCompiler compiler;

    public DefaultSeccompFilter(SeccompCompiler compiler) {
        this.compiler = compiler;
    }

    @Override
    public Spec apply(Spec spec, CreateOptions options) {
        Linux linux = spec.linux();
        if (linux != null && linux.seccomp() != null) {
            return spec;
        }
        if (spec.annotations() != null && UNCONFINED.equals(spec.annotations().get(ANNOTATION))) {
            return spec;
        }
        var caps = spec.process() == null ? null : spec.process().capabilities();
        var profile = compiler.defaultProfile(caps);
        Linux l = linux == null
            ? new Linux(null, null, null, null, null, null, null, null, profile, null, null, null, null, null)
            : new Linux(linux.namespaces(), linux.uidMappings(), linux.gidMappings(), linux.timeOffsets(),
                linux.devices(), linux.cgroupsPath(), linux.resources(), linux.rootfsPropagation(), profile,
                linux.sysctl(), linux.maskedPaths(), linux.readonlyPaths(), linux.mountLabel(), linux.personality());
        return new Spec(spec.ociVersion(), spec.process(), spec.root(), spec.hostname(), spec.domainname(),
            spec.mounts(), spec.hooks(), spec.annotations(), l);
    }
}
