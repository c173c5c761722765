package io.bulwark.cli.commands;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.cli.RuntimeFactory;
import io.bulwark.core.state.StateJson;
import java.util.List;

/** {@code state}: prints the OCI state JSON. */
public final class StateCommand implements Command {
    @Override
    public String name() {
        return "state";
    }

    @Override
    public String summary() {
        return "print the OCI state of a container";
    }

    @Override
    public String usage() {
        return "Usage: bulwark state CONTAINER_ID\n";
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws Exception {
        Flags f = new Flags(name()).parse(args);
        f.requireArgs(1, "container id");
        ctx.out().println(StateJson.oci(RuntimeFactory.create(ctx).state(f.id()), true));
        return 0;
    }
}
