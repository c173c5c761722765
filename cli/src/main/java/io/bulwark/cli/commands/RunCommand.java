package io.bulwark.cli.commands;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.cli.RuntimeFactory;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.api.CreateOptions;
import io.bulwark.core.api.Runtime;
import java.util.List;

/**
 * {@code run}: create + start. In the foreground it forwards signals to the container and returns the workload's
 * exit status (128+N for a signal), then deletes the container; with {@code --detach} it returns once started.
 */
public final class RunCommand implements Command {
    private static final String[] FORWARDED = {"HUP", "INT", "TERM", "USR1", "USR2", "WINCH", "CONT", "ALRM"};

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "create and start a container, wait for it (or --detach)";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark run [options] CONTAINER_ID

              --bundle, -b DIR        bundle directory (default: current directory)
              --detach, -d            return once the workload runs
              --keep                  do not delete the container after it exits
              --console-socket PATH   AF_UNIX socket that receives the pty master
              --pid-file FILE         write the container init's pid to FILE
              --no-pivot              do not use pivot_root
              --preserve-fds N        pass N extra descriptors to the workload
              --backend NAME          linux or vm
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) {
        Flags f = CreateCommand.createFlags(name()).bool("detach", "d").bool("keep").parse(args);
        f.requireArgs(1, "container id");
        CreateOptions options = CreateCommand.options(f).withStdio(ctx.invocation().stdio());
        Runtime runtime = RuntimeFactory.create(ctx);
        runtime.create(options);
        String id = options.id();
        if (!f.has("detach")) {
            forwardSignals(ctx, runtime, id); // before start: a signal must not slip by while the workload starts
        }
        try {
            runtime.start(id);
        } catch (BulwarkException e) {
            runtime.delete(id, true);
            throw e;
        }
        if (f.has("detach")) {
            return 0;
        }
        int status = runtime.awaitExit(id);
        if (!f.has("keep")) {
            runtime.delete(id, true);
        }
        return status;
    }

    /** While the workload runs in the foreground, signals sent to bulwark go to the container's init. */
    private static void forwardSignals(CliContext ctx, Runtime runtime, String id) {
        ctx.invocation().signals().forward(List.of(FORWARDED), signal -> {
            try {
                runtime.kill(id, signal, false);
            } catch (BulwarkException ignored) {
                // the workload has ended meanwhile
            }
        });
    }
}
