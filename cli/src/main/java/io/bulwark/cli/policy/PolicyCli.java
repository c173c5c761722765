package io.bulwark.cli.policy;

import io.bulwark.cli.CliContext;
import io.bulwark.core.BulwarkException;
import io.bulwark.policies.TenantAdmission;
import io.bulwark.policies.config.RuntimeConfig;
import io.bulwark.policies.config.RuntimeConfigLoader;

/** What the policy subcommands share: the runtime configuration and the tenant they act for. */
final class PolicyCli {
    private PolicyCli() {
    }

    static RuntimeConfig config(CliContext ctx) {
        return RuntimeConfigLoader.load(ctx.configFile());
    }

    /** The tenant from the subcommand's own flag, else the global {@code --tenant}, else the default tenant. */
    static TenantAdmission admission(CliContext ctx, String tenantFlag) {
        String tenant = tenantFlag != null ? tenantFlag : ctx.tenant();
        return TenantAdmission.forCommandLine(tenant, ctx.configFile(), line -> { })
            .orElseThrow(() -> new BulwarkException("no tenant: give --tenant NAME, or set defaultTenant in "
                + (ctx.configFile() == null ? RuntimeConfig.DEFAULT_FILE : ctx.configFile()), 22));
    }
}
