package io.bulwark.cli.commands;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.cli.server.WarmServer;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.sys.LibcSyscall;
import java.time.Duration;
import java.util.List;

/**
 * {@code server}: runs the resident server for {@code --root} in the foreground until SIGTERM or SIGINT (or, with
 * {@code --idle-exit}, until it has had nothing to do for that long). While it runs, {@code bin/bulwark} (the native
 * client) hands every command line to it instead of starting a JVM; with {@code BULWARK_SERVER=on-demand} the client
 * starts it itself ({@code --on-demand}) when it finds none.
 */
public final class ServerCommand implements Command {
    /** How long an on-demand server stays without work before it exits. */
    public static final int DEFAULT_IDLE_SECONDS = 300;

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
            Usage: bulwark [--root DIR] server [--idle-exit SECONDS] [--on-demand]

            Listens on DIR/:server.sock (mode 0600; only uid 0 may connect) until SIGTERM or SIGINT.
            bin/bulwark forwards its arguments, environment, working directory, stdio and signals to it and
            exits with the command's status; without a server (or with BULWARK_NO_SERVER=1 in its
            environment) it runs the command in a JVM of its own. Commands run concurrently.
            One server per root: DIR/:server.lock is held for the server's life and names its pid.

            Options:
              --idle-exit SECONDS  exit once no command has been in flight and no process the server
                                   started has been running for SECONDS (default: never; 300 with --on-demand)
              --on-demand          started by bin/bulwark (BULWARK_SERVER=on-demand): exit quietly with
                                   status 0 when another server already runs for DIR
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws Exception {
        Flags f = new Flags(name()).value("idle-exit").bool("on-demand").parse(args);
        f.requireArgs(0, "nothing");
        boolean onDemand = f.has("on-demand");
        int idle = f.intValue("idle-exit", onDemand ? DEFAULT_IDLE_SECONDS : 0);
        if (idle < 0) {
            throw new BulwarkException("server: invalid value \"" + idle + "\" for --idle-exit: not a number of seconds",
                22);
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new BulwarkException("the server runs as root only (its clients are checked to be root)", 1);
        }
        WarmServer server;
        try {
            server = WarmServer.bind(LibcSyscall.get(), ctx.root(), ctx.err());
        } catch (WarmServer.AlreadyServed e) {
            if (onDemand) {
                return 0; // two clients started a server at once: the other one serves
            }
            throw e;
        }
        Thread stop = new Thread(server::close, "bulwark-server-stop");
        java.lang.Runtime.getRuntime().addShutdownHook(stop);
        if (ctx.debug()) {
            ctx.err().println("bulwark server: listening on " + server.socket());
        }
        server.serve(idle > 0 ? Duration.ofSeconds(idle) : null);
        server.close();
        return 0;
    }
}
