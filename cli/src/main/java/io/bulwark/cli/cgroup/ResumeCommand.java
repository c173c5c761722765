package io.bulwark.cli.cgroup;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import java.util.List;
import java.util.Set;

/** {@code resume}: thaws a paused container. */
public final class ResumeCommand implements Command {
    @Override
    public String name() {
        return "resume";
    }

    @Override
    public String summary() {
        return "resume all processes that have been previously paused";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark resume CONTAINER_ID
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws Exception {
        Flags f = new Flags(name()).parse(args);
        f.requireArgs(1, "container id");
        ContainerAccess.withCgroup(ctx, f.id(), Set.of("paused"), "is not paused", (cgroup, rt) -> {
            cgroup.thaw();
            return null;
        });
        return 0;
    }
}
