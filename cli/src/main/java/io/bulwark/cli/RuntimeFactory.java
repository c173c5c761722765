package io.bulwark.cli;

import io.bulwark.apparmor.HostAppArmor;
import io.bulwark.core.api.AppArmorFilter;
import io.bulwark.core.api.DefaultSeccompFilter;
import io.bulwark.core.api.Runtime;
import io.bulwark.core.cgroup.LinuxCgroupHook;
import io.bulwark.core.linux.LinuxBackend;
import io.bulwark.core.spi.SeccompCompiler;
import io.bulwark.seccomp.LibseccompSeccompCompiler;
import io.bulwark.vmm.backend.VmBackend;

/**
 * Wires the modules into a {@link Runtime} for one command: backends, tenant admission, seccomp. The command line
 * ships every module, so it names their implementations directly: a service lookup would open every jar on the
 * class path to read its {@code META-INF/services}, which a cold start pays for. (Embedders keep
 * {@link SeccompCompiler#load()} and {@link io.bulwark.core.spi.AppArmor#load()}.)
 */
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
        // Seccomp is on by default; libseccomp is bound only when a command compiles a filter.
        SeccompCompiler compiler = new LibseccompSeccompCompiler();
        b.seccompCompiler(compiler);
        b.filter(new DefaultSeccompFilter(compiler));
        // AppArmor last: it reads what admission decided (a policy may mark AppArmor optional).
        b.filter(new AppArmorFilter(new HostAppArmor()));
        return b.build();
    }
}
