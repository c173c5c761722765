package io.bulwark.policies.admission;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tells whether a namespace path ({@code linux.namespaces[].path}) names one of the host's namespaces: the
 * namespace of the host's init ({@code /proc/1/ns/TYPE}), compared by device and inode so that any other path to
 * it ({@code /proc/self/ns/net} of a host process, a bind mount of it) is recognised too.
 */
@FunctionalInterface
public interface HostNamespaces {

    /** {@code true} when {@code path} is the host's namespace of that type, or cannot be inspected (fail closed). */
    boolean isHost(String type, String path);

    Map<String, String> PROC_NAMES = Map.of("network", "net", "mount", "mnt", "pid", "pid", "ipc", "ipc",
        "uts", "uts", "user", "user", "cgroup", "cgroup", "time", "time");

    /** The running kernel's view. */
    static HostNamespaces system() {
        return (type, path) -> {
            String procName = PROC_NAMES.get(type);
            if (procName == null) {
                return true;
            }
            try {
                Object host = Files.getAttribute(Path.of("/proc/1/ns", procName), "unix:ino");
                Object hostDev = Files.getAttribute(Path.of("/proc/1/ns", procName), "unix:dev");
                Path p = Path.of(path);
                return host.equals(Files.getAttribute(p, "unix:ino")) && hostDev.equals(Files.getAttribute(p, "unix:dev"));
            } catch (IOException | RuntimeException e) {
                return true;
            }
        };
    }
}
