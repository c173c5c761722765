package io.bulwark.cli.commands;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.cli.RuntimeFactory;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.api.Signals;
import java.util.List;

/** {@code kill}: signals a container's init, or with --all every process of the container. */
public final class KillCommand implements Command {
    @Override
    public String name() {
        return "kill";
    }

    @Override
    public String summary() {
        return "send a signal (default SIGTERM) to a container";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark kill [--all] CONTAINER_ID [SIGNAL]

              SIGNAL is a name (KILL, SIGKILL) or a number; the default is SIGTERM.
              --all, -a   signal every process in the container
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) {
        Flags f = new Flags(name()).bool("all", "a").parse(args);
        List<String> pos = f.positional();
        if (pos.isEmpty() || pos.size() > 2) {
            throw new BulwarkException("\"kill\" requires a container id and at most one signal", 22);
        }
        int signal = pos.size() == 2 ? Signals.parse(pos.get(1)) : 15;
        RuntimeFactory.create(ctx).kill(f.id(), signal, f.has("all"));
        return 0;
    }
}
