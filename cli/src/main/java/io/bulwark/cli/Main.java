package io.bulwark.cli;

import io.bulwark.core.BulwarkException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code bulwark [global flags] VERB [flags] [args]}: runc's command line over the public Java API. Global flags
 * are runc's ({@code --root --log --log-format --debug}, and {@code --systemd-cgroup}, which is refused) plus
 * Bulwark's {@code --tenant} and {@code --config}.
 */
public final class Main {
    public static final String VERSION = "0.1.0";

    private Main() {
    }

    public static void main(String[] argv) {
        Distribution.configure(System.getProperty("bulwark.home"));
        int code = run(Arrays.asList(argv), System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line; returns the exit code. Never throws. */
    public static int run(List<String> argv, PrintStream out, PrintStream err) {
        return run(argv, out, err, Invocation.OWN);
    }

    /**
     * Runs one command line for a caller other than this process (the resident server's clients): containers get
     * {@code invocation}'s stdio and signals. Returns the exit code. Never throws.
     */
    public static int run(List<String> argv, PrintStream out, PrintStream err, Invocation invocation) {
        Flags global = new Flags("bulwark")
            .value("root").value("log").value("log-format").bool("debug").value("tenant").value("config")
            .bool("systemd-cgroup").value("criu").value("rootless").bool("help", "h").bool("version", "v");
        CliLog log = new CliLog(null, "text", false, err);
        try {
            global.parse(argv);
            if (global.has("version")) {
                out.println("bulwark version " + VERSION);
                out.println("spec: 1.2.0");
                return 0;
            }
            List<String> rest = new ArrayList<>(global.positional());
            if (global.has("help") || rest.isEmpty() || rest.get(0).equals("help")) {
                Command topic = rest.size() > 1 ? Commands.byName(rest.get(1)) : null;
                if (topic != null) {
                    out.print(topic.usage());
                    return 0;
                }
                printHelp(out, Commands.all());
                return rest.isEmpty() && !global.has("help") ? 1 : 0;
            }
            String verb = rest.remove(0);
            Command command = Commands.byName(verb);
            if (command == null) {
                throw new BulwarkException("unknown command '" + verb + "' (see bulwark --help)", 22);
            }
            if (rest.contains("--help") && rest.indexOf("--help") == 0 || rest.equals(List.of("-h"))) {
                out.print(command.usage());
                return 0;
            }
            String root = global.get("root", defaultRoot());
            Path logFile = global.get("log") == null ? null : Path.of(global.get("log"));
            log = new CliLog(logFile, global.get("log-format", "text"), global.has("debug"), err);
            if (global.has("systemd-cgroup")) {
                throw new BulwarkException("--systemd-cgroup is not supported: use cgroupfs paths", 95);
            }
            CliContext ctx = new CliContext(Path.of(root), logFile, global.get("log-format", "text"),
                global.has("debug"), global.get("tenant"), global.get("config") == null ? null : Path.of(global.get("config")),
                out, err, invocation);
            log.debug("bulwark " + String.join(" ", argv));
            return command.run(ctx, rest);
        } catch (BulwarkException e) {
            log.error(e.getMessage());
            return e.exitCode() == 0 ? 1 : e.exitCode();
        } catch (Exception e) {
            log.error(e.getClass().getSimpleName() + ": " + e.getMessage());
            if (global.has("debug")) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    /** runc's rule: {@code $XDG_RUNTIME_DIR/bulwark} when the effective uid is not 0 and it is set. */
    static String defaultRoot() {
        return defaultRoot(io.bulwark.core.rootless.Caller.current(), System.getenv("XDG_RUNTIME_DIR"));
    }

    static String defaultRoot(io.bulwark.core.rootless.Caller caller, String xdgRuntimeDir) {
        if (caller.rootless() && xdgRuntimeDir != null && !xdgRuntimeDir.isEmpty()) {
            return xdgRuntimeDir + "/bulwark";
        }
        return "/run/bulwark";
    }

    private static void printHelp(PrintStream out, Map<String, Command> commands) {
        out.println("bulwark - a security-focused OCI container runtime");
        out.println();
        out.println("Usage: bulwark [global options] COMMAND [options] [arguments]");
        out.println();
        out.println("Commands:");
        for (Command c : commands.values()) {
            out.printf("  %-10s %s%n", c.name(), c.summary());
        }
        out.println();
        out.println("Global options:");
        out.println("  --root DIR           state directory (default /run/bulwark; without root $XDG_RUNTIME_DIR/bulwark)");
        out.println("  --log FILE           write the runtime log to FILE (default stderr)");
        out.println("  --log-format FORMAT  text or json");
        out.println("  --debug              log debug messages");
        out.println("  --tenant NAME        apply tenant NAME's policy to every container");
        out.println("  --config FILE        runtime configuration (default /etc/bulwark/config.json)");
        out.println("  --version, --help");
        out.println();
        out.println("Run 'bulwark help COMMAND' for a command's options.");
    }
}
