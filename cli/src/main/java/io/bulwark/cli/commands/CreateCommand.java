package io.bulwark.cli.commands;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.cli.RuntimeFactory;
import io.bulwark.core.api.CreateOptions;
import java.nio.file.Path;
import java.util.List;

/** {@code create}: sets a container up; its init waits for {@code start}. */
public final class CreateCommand implements Command {
    @Override
    public String name() {
        return "create";
    }

    @Override
    public String summary() {
        return "create a container (its workload waits for start)";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark create [options] CONTAINER_ID

              --bundle, -b DIR        bundle directory (default: current directory)
              --console-socket PATH   AF_UNIX socket that receives the pty master (process.terminal)
              --pid-file FILE         write the container init's pid to FILE
              --no-pivot              do not use pivot_root (for a rootfs on a ramdisk)
              --no-new-keyring        accepted for compatibility
              --preserve-fds N        pass N extra descriptors (3, 4, ...) to the workload
              --backend NAME          linux or vm (default: the io.bulwark.backend annotation, else linux)
            """;
    }

    static Flags createFlags(String verb) {
        return new Flags(verb).value("bundle", "b").value("console-socket").value("pid-file").bool("no-pivot")
            .bool("no-new-keyring").value("preserve-fds").value("backend").bool("no-subreaper");
    }

    static CreateOptions options(Flags f) {
        String bundle = f.get("bundle", ".");
        return new CreateOptions(f.id(), Path.of(bundle).toAbsolutePath().normalize(),
            f.get("console-socket") == null ? null : Path.of(f.get("console-socket")).toAbsolutePath(),
            f.get("pid-file") == null ? null : Path.of(f.get("pid-file")).toAbsolutePath(),
            f.has("no-pivot"), f.intValue("preserve-fds", 0), f.get("backend"));
    }

    @Override
    public int run(CliContext ctx, List<String> args) {
        Flags f = createFlags(name()).parse(args);
        f.requireArgs(1, "container id");
        RuntimeFactory.create(ctx).create(options(f).withStdio(ctx.invocation().stdio()));
        return 0;
    }
}
