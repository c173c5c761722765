package io.bulwark.core.api;

import io.bulwark.core.spec.Process;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spi.AppArmor;

/**
 * Resolves {@code process.apparmorProfile} on this host: the requested profile where AppArmor is enabled, Bulwark's
 * default container profile where it is enabled and nothing was asked for, and an error where a profile is asked for
 * but AppArmor is absent, unless the tenant policy marked AppArmor optional (annotation
 * {@value #OPTIONAL_ANNOTATION}, set by admission, which runs before this filter).
 */
public final class AppArmorFilter implements SpecFilter {
    public static final String OPTIONAL_ANNOTATION = "io.bulwark.apparmor.optional";

    private final AppArmor apparmor;

    public AppArmorFilter(AppArmor apparmor) {
        this.apparmor = apparmor;
    }

    @Override
    public Spec apply(Spec spec, CreateOptions options) {
        Process p = spec.process();
        if (p == null) {
            return spec;
        }
        boolean optional = spec.annotations() != null
            && "true".equals(spec.annotations().get(OPTIONAL_ANNOTATION));
        String source = options.bundle() == null ? "config.json" : options.bundle().resolve("config.json").toString();
        String profile = apparmor.resolveProfile(p.apparmorProfile(), optional, source, "$.process.apparmorProfile");
        if (java.util.Objects.equals(profile, p.apparmorProfile())) {
            return spec;
        }
        Process resolved = new Process(p.terminal(), p.consoleSize(), p.user(), p.args(), p.commandLine(), p.env(),
            p.cwd(), p.capabilities(), p.rlimits(), p.noNewPrivileges(), profile, p.oomScoreAdj(), p.scheduler(),
            p.selinuxLabel(), p.ioPriority(), p.execCPUAffinity());
        return new Spec(spec.ociVersion(), resolved, spec.root(), spec.hostname(), spec.domainname(), spec.mounts(),
            spec.hooks(), spec.annotations(), spec.linux());
    }
}
