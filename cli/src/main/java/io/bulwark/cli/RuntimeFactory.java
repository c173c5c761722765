package io.bulwark.cli;

import io.bulwark.core.api.AppArmorFilter;
import io.bulwark.core.api.DefaultSeccompFilter;
import io.bulwark.core.api.Runtime;
import io.bulwark.core.cgroup.LinuxCgroupHook;
import io.bulwark.core.linux.LinuxBackend;
import io.bulwark.core.spi.AppArmor;
import io.bulwark.core.spi.SeccompCompiler;
import io.bulwark.vmm.backend.VmBackend;
import java.util.ServiceLoader;

/** Wires the modules into a {@link Runtime} for one command: backends, tenant admission, seccomp. */
public final class RuntimeFactory {
    private RuntimeFactory() {
    }

    public static Runtime create(CliContext ctx) {
        Runtime.Builder b = Runtime.builder().root(ctx.root()).tenant(ctx.tenant())
            // made on first use; the invocation wraps them (the resident server's stdio and reaper)
            .backend("linux", () -> ctx.invocation().backend(new LinuxBackend(new LinuxCgroupHook())))
            .backend("vm", () -> ctx.invocation().backend(new VmBackend()));
        // Tenant admission first, so that the default seccomp filter sees the admitted config.
        b.filter(io.bulwark.policies.TenantAdmission.commandLineFilter(ctx.tenant(), ctx.configFile(),
            line -> ctx.err().println("bulwark: " + line)));
        // Seccomp is on by default; the compiler is looked up only when a command builds a runtime.
        ServiceLoader.load(SeccompCompiler.class).findFirst().ifPresent(compiler -> {
            b.seccompCompiler(compiler);
            b.filter(new DefaultSeccompFilter(compiler));
        });
        // AppArmor last: it reads what admission decided (a policy may mark AppArmor optional).
        AppArmor.load().ifPresent(apparmor -> b.filter(new AppArmorFilter(apparmor)));
        return b.build();
    }
}
