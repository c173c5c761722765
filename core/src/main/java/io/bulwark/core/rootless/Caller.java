package io.bulwark.core.rootless;

import io.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who runs Bulwark: the effective uid and gid of this process. A caller whose effective uid is not 0 runs Bulwark
 * <em>rootless</em> (runc's automatic rule): it can map only its own ids into a user namespace, keeps its state
 * under {@code $XDG_RUNTIME_DIR/bulwark}, and gets cgroups only where a cgroup v2 subtree is delegated to it.
 *
 * @param uid effective uid
 * @param gid effective gid
 */
public record Caller(long uid, long gid) {

    /** This process, from the {@code Uid:} and {@code Gid:} lines of /proc/self/status (real, effective, ...). */
    public static Caller current() {
        try {
            return parseStatus(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException e) {
            throw new BulwarkException("cannot read /proc/self/status: " + e.getMessage(), 2);
        }
    }

    static Caller parseStatus(String status) {
        long uid = -1;
        long gid = -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("Uid:")) {
                uid = Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
            } else if (line.startsWith("Gid:")) {
                gid = Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
            }
        }
        if (uid < 0 || gid < 0) {
            throw new BulwarkException("/proc/self/status has no Uid:/Gid: lines", 2);
        }
        return new Caller(uid, gid);
    }

    /** True when not running as root: Bulwark then runs rootless. */
    public boolean rootless() {
        return uid != 0;
    }
}
