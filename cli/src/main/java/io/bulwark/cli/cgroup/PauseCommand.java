package io.bulwark.cli.cgroup;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import java.util.List;
import java.util.Set;

/** {@code pause}: freezes every process of a running container (its cgroup's freezer). */
public final class PauseCommand implements Command {
    @Override
    public String name() {
        return "pause";
    }

    @Override
    public String summary() {
        return "suspend all processes inside the container";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark pause CONTAINER_ID

              Freezes every process of the container; `bulwark resume` lets them run again.
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws Exception {
        Flags f = new Flags(name()).parse(args);
        f.requireArgs(1, "container id");
        ContainerAccess.withCgroup(ctx, f.id(), Set.of("running"), "is not running", (cgroup, rt) -> {
            cgroup.freeze();
            return null;
        });
        return 0;
    }
}
