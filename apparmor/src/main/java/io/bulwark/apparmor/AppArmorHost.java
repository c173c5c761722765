package io.bulwark.apparmor;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything the apparmor module asks of the host: reading securityfs and sysfs, writing the process attribute
 * files, running {@code apparmor_parser}. Tests replace it with a recording double.
 */
public interface AppArmorHost {
    /** The outcome of a command: exit status and what it printed on stderr. */
    record CommandResult(int exit, String stderr) {
    }

    boolean exists(Path path);

    /** The file's content, or null when it cannot be read. */
    String read(Path path);

    /**
     * Writes {@code content} to {@code path} with a single write, as the kernel's attribute files expect. Returns 0
     * or the errno of the failure.
     */
    int write(Path path, String content);

    /** Runs a command with {@code stdin} as its input. */
    CommandResult run(List<String> command, String stdin);
}
