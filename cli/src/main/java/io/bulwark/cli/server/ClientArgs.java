package io.bulwark.cli.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A client's command line as the server must run it. The server's working directory is not the client's, so every
 * relative path the command line names (and the bundle that defaults to the current directory) is made absolute
 * against the client's. Only the verbs whose path arguments are all known here are served; for the others
 * {@link #rewrite} returns null and the client runs the command in its own JVM, exactly as without a server.
 */
final class ClientArgs {
    /** Global flags that take a value; those naming a path are made absolute. */
    private static final Set<String> GLOBAL_VALUES = Set.of("root", "log", "log-format", "tenant", "config", "criu",
        "rootless");
    private static final Set<String> GLOBAL_PATHS = Set.of("root", "log", "config");

    /** Served verbs and, for each, its flags that name host paths. */
    private static final Map<String, Set<String>> VERB_PATHS = Map.ofEntries(
        Map.entry("create", Set.of("bundle", "b", "console-socket", "pid-file")),
        Map.entry("run", Set.of("bundle", "b", "console-socket", "pid-file")),
        Map.entry("exec", Set.of("process", "p", "console-socket", "pid-file")),
        Map.entry("spec", Set.of("bundle", "b")),
        Map.entry("start", Set.of()), Map.entry("state", Set.of()), Map.entry("kill", Set.of()),
        Map.entry("delete", Set.of()), Map.entry("list", Set.of()), Map.entry("ps", Set.of()),
        Map.entry("features", Set.of()), Map.entry("help", Set.of()), Map.entry("pause", Set.of()), Map.entry("resume", Set.of()));
    /** Verbs whose bundle defaults to the current directory. */
    private static final Set<String> BUNDLE_DEFAULT = Set.of("create", "run", "spec");

    private ClientArgs() {
    }

    /** The command line to run for a client in {@code cwd}, or null when the server does not serve it. */
    static List<String> rewrite(List<String> argv, Path cwd) {
        List<String> out = new ArrayList<>(argv.size() + 2);
        int i = 0;
        String verb = null;
        int verbAt = -1;
        for (; i < argv.size(); i++) {
            String a = argv.get(i);
            if (!a.startsWith("-") || a.equals("-")) {
                verb = a;
                verbAt = out.size();
                out.add(a);
                i++;
                break;
            }
            i = copyFlag(argv, i, out, cwd, GLOBAL_VALUES, GLOBAL_PATHS);
        }
        if (verb == null) {
            return out; // --version, --help
        }
        if (!VERB_PATHS.containsKey(verb) || argv.contains("--preserve-fds")
            || argv.stream().anyMatch(a -> a.startsWith("--preserve-fds="))) {
            return null;
        }
        Set<String> paths = VERB_PATHS.get(verb);
        boolean bundleGiven = false;
        for (; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("--")) {
                out.addAll(argv.subList(i, argv.size()));
                break;
            }
            String name = flagName(a);
            if (name == null || !paths.contains(name)) {
                out.add(a);
                continue;
            }
            bundleGiven |= name.equals("bundle") || name.equals("b");
            i = copyFlag(argv, i, out, cwd, paths, paths);
        }
        if (!bundleGiven && BUNDLE_DEFAULT.contains(verb)) {
            out.add(verbAt + 1, "--bundle=" + cwd);
        }
        return out;
    }

    /** Copies the flag at {@code i} (and its value), absolutizing path values; returns the last index used. */
    private static int copyFlag(List<String> argv, int i, List<String> out, Path cwd, Set<String> takesValue,
                                Set<String> isPath) {
        String a = argv.get(i);
        String name = flagName(a);
        if (name == null || !takesValue.contains(name)) {
            out.add(a);
            return i;
        }
        int eq = a.indexOf('=');
        if (eq >= 0) {
            String value = a.substring(eq + 1);
            out.add(a.substring(0, eq + 1) + (isPath.contains(name) ? absolute(value, cwd) : value));
            return i;
        }
        out.add(a);
        if (i + 1 < argv.size()) {
            String value = argv.get(i + 1);
            out.add(isPath.contains(name) ? absolute(value, cwd) : value);
            return i + 1;
        }
        return i;
    }

    private static String flagName(String a) {
        if (!a.startsWith("-") || a.equals("-") || a.equals("--")) {
            return null;
        }
        String n = a.startsWith("--") ? a.substring(2) : a.substring(1);
        int eq = n.indexOf('=');
        return eq >= 0 ? n.substring(0, eq) : n;
    }

    private static String absolute(String value, Path cwd) {
        if (value.isEmpty() || value.equals("-")) {
            return value;
        }
        return cwd.resolve(value).normalize().toString();
    }
}
