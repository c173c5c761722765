package io.bulwark.cli.policy;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.core.BulwarkException;
import io.bulwark.policies.TenantAdmission;
import io.bulwark.policies.inherit.EffectivePolicy;
import io.bulwark.policies.parse.PolicyParser;
import java.util.List;

/** {@code bulwark policy show}: the effective policy of a tenant, inheritance applied. */
public final class PolicyShowCommand implements Command {
    @Override
    public String name() {
        return "show";
    }

    @Override
    public String summary() {
        return "print a tenant's effective policy (its whole inheritance chain applied)";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark [--config FILE] policy show [TENANT]

            Prints TENANT's effective policy as JSON: every field, with what it inherits from its bases and from
            Bulwark's baseline filled in. Without TENANT, the global --tenant or the default tenant. The chain of
            files it was built from goes to stderr. Signatures are verified when a trusted key is configured.
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws Exception {
        Flags f = new Flags("policy show").parse(args);
        if (f.positional().size() > 1) {
            throw new BulwarkException("\"policy show\" takes at most 1 argument: TENANT", 22);
        }
        TenantAdmission admission = PolicyCli.admission(ctx, f.positional().isEmpty() ? null : f.positional().get(0));
        EffectivePolicy effective = admission.policy();
        ctx.err().println("tenant " + effective.tenant() + ": " + String.join(" <- ", effective.chain()));
        ctx.out().println(PolicyParser.mapper().writeValueAsString(effective.policy()));
        return 0;
    }
}
