package io.bulwark.cli.commands;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.cli.RuntimeFactory;
import java.util.List;

/** {@code start}: releases a created container's workload. */
public final class StartCommand implements Command {
    @Override
    public String name() {
        return "start";
    }

    @Override
    public String summary() {
        return "start the workload of a created container";
    }

    @Override
    public String usage() {
        return "Usage: bulwark start CONTAINER_ID\n";
    }

    @Override
    public int run(CliContext ctx, List<String> args) {
        Flags f = new Flags(name()).parse(args);
        f.requireArgs(1, "container id");
        RuntimeFactory.create(ctx).start(f.id());
        return 0;
    }
}
