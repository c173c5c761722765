package io.bulwark.cli.commands;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.cli.RuntimeFactory;
import io.bulwark.core.BulwarkException;
import java.util.List;

/** {@code delete}: removes a stopped container (with --force, any container). */
public final class DeleteCommand implements Command {
    @Override
    public String name() {
        return "delete";
    }

    @Override
    public String summary() {
        return "delete a container and everything made for it";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark delete [--force] CONTAINER_ID

              --force, -f   kill the container first if it still runs
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) {
        Flags f = new Flags(name()).bool("force", "f").parse(args);
        f.requireArgs(1, "container id");
        try {
            RuntimeFactory.create(ctx).delete(f.id(), f.has("force"));
        } catch (BulwarkException e) {
            // runc: deleting a container that does not exist is not an error with --force
            if (f.has("force") && e.getMessage().endsWith("does not exist")) {
                return 0;
            }
            throw e;
        }
        return 0;
    }
}
