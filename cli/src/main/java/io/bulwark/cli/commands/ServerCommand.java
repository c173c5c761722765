package io.bulwark.cli.commands;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.cli.server.WarmServer;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.sys.LibcSyscall;
import java.util.List;

/**
 * {@code server}: runs the resident server for {@code --root} in the foreground until SIGTERM or SIGINT. While it
 * runs, {@code bin/bulwark} (the native client) hands every command line to it instead of starting a JVM.
 */
public final class ServerCommand implements Command {
    @Override
    public String name() {
        return "server";
    }

    @Override
    public String summary() {
        return "serve commands from a resident process (bin/bulwark then needs no JVM start)";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark [--root DIR] server

            Listens on DIR/:server.sock (mode 0600; only uid 0 may connect) until SIGTERM or SIGINT.
            bin/bulwark forwards its arguments, environment, working directory, stdio and signals to it and
            exits with the command's status; without a server (or with BULWARK_NO_SERVER=1 in its
            environment) it runs the command in a JVM of its own. Commands run concurrently.
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws Exception {
        new Flags(name()).parse(args).requireArgs(0, "nothing");
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new BulwarkException("the server runs as root only (its clients are checked to be root)", 1);
        }
        WarmServer server = WarmServer.bind(LibcSyscall.get(), ctx.root(), ctx.err());
        Thread stop = new Thread(server::close, "bulwark-server-stop");
        java.lang.Runtime.getRuntime().addShutdownHook(stop);
        if (ctx.debug()) {
            ctx.err().println("bulwark server: listening on " + server.socket());
        }
        server.serve();
        return 0;
    }
}
