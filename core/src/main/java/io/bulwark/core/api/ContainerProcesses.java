package io.bulwark.core.api;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a container's processes without a cgroup: every host process that shares the init's pid namespace.
 * Used by {@code ps} and {@code kill --all} where the container has its own pid namespace.
 */
final class ContainerProcesses {
    private ContainerProcesses() {
    }

    static List<Integer> inPidNamespaceOf(int initPid) {
        List<Integer> pids = new ArrayList<>();
        Path proc = Path.of("/proc");
        String ns;
        try {
            ns = Files.readSymbolicLink(proc.resolve(Integer.toString(initPid)).resolve("ns/pid")).toString();
        } catch (IOException e) {
            return pids;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (Files.readSymbolicLink(p.resolve("ns/pid")).toString().equals(ns)) {
                        pids.add(Integer.parseInt(name));
                    }
                } catch (IOException ignored) {
                    // the process ended meanwhile, or is not ours to inspect
                }
            }
        } catch (IOException e) {
            return pids;
        }
        pids.sort(null);
        return pids;
    }
}
