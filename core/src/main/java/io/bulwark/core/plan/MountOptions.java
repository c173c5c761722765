package io.bulwark.core.plan;

import static io.bulwark.core.plan.LinuxConstants.*;

import io.bulwark.core.BulwarkException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns OCI mount options into mount(2) arguments, with the option table runc uses: flags that set, flags that
 * clear, propagation, and everything else as the fs-specific data string.
 *
 * @param flags       MS_* flags
 * @param propagation MS_SHARED/SLAVE/PRIVATE/UNBINDABLE (| MS_REC), 0 for none
 * @param data        the remaining options joined with commas
 */
public record MountOptions(long flags, long propagation, String data) {

    private record Flag(boolean clear, long bits) {
    }

    private static final Map<String, Flag> FLAGS = Map.ofEntries(
        Map.entry("async", new Flag(true, MS_SYNCHRONOUS)),
        Map.entry("atime", new Flag(true, MS_NOATIME)),
        Map.entry("bind", new Flag(false, MS_BIND)),
        Map.entry("defaults", new Flag(false, 0)),
        Map.entry("dev", new Flag(true, MS_NODEV)),
        Map.entry("diratime", new Flag(true, MS_NODIRATIME)),
        Map.entry("dirsync", new Flag(false, MS_DIRSYNC)),
        Map.entry("exec", new Flag(true, MS_NOEXEC)),
        Map.entry("iversion", new Flag(false, MS_I_VERSION)),
        Map.entry("lazytime", new Flag(false, MS_LAZYTIME)),
        Map.entry("loud", new Flag(true, MS_SILENT)),
        Map.entry("mand", new Flag(false, MS_MANDLOCK)),
        Map.entry("noatime", new Flag(false, MS_NOATIME)),
        Map.entry("nodev", new Flag(false, MS_NODEV)),
        Map.entry("nodiratime", new Flag(false, MS_NODIRATIME)),
        Map.entry("noexec", new Flag(false, MS_NOEXEC)),
        Map.entry("noiversion", new Flag(true, MS_I_VERSION)),
        Map.entry("nolazytime", new Flag(true, MS_LAZYTIME)),
        Map.entry("nomand", new Flag(true, MS_MANDLOCK)),
        Map.entry("norelatime", new Flag(true, MS_RELATIME)),
        Map.entry("nostrictatime", new Flag(true, MS_STRICTATIME)),
        Map.entry("nosuid", new Flag(false, MS_NOSUID)),
        Map.entry("nosymfollow", new Flag(false, MS_NOSYMFOLLOW)),
        Map.entry("rbind", new Flag(false, MS_BIND | MS_REC)),
        Map.entry("relatime", new Flag(false, MS_RELATIME)),
        Map.entry("remount", new Flag(false, MS_REMOUNT)),
        Map.entry("ro", new Flag(false, MS_RDONLY)),
        Map.entry("rw", new Flag(true, MS_RDONLY)),
        Map.entry("silent", new Flag(false, MS_SILENT)),
        Map.entry("strictatime", new Flag(false, MS_STRICTATIME)),
        Map.entry("suid", new Flag(true, MS_NOSUID)),
        Map.entry("sync", new Flag(false, MS_SYNCHRONOUS)));

    /** Propagation names, as in mount options and in linux.rootfsPropagation. */
    public static final Map<String, Long> PROPAGATION = Map.of(
        "private", MS_PRIVATE, "rprivate", MS_PRIVATE | MS_REC,
        "shared", MS_SHARED, "rshared", MS_SHARED | MS_REC,
        "slave", MS_SLAVE, "rslave", MS_SLAVE | MS_REC,
        "unbindable", MS_UNBINDABLE, "runbindable", MS_UNBINDABLE | MS_REC);

    /** Options that need features the shim does not carry out; refused instead of silently ignored. */
    private static final List<String> REFUSED = List.of("tmpcopyup", "idmap", "ridmap", "rro", "rrw", "rnosuid",
        "rsuid", "rnodev", "rdev", "rnoexec", "rexec", "rnodiratime", "rdiratime", "rrelatime", "rnorelatime",
        "rnoatime", "ratime", "rstrictatime", "rnostrictatime", "rnosymfollow", "rsymfollow");

    /**
     * Parses the options of the mount at {@code where} (a JSON path used in errors).
     */
    public static MountOptions parse(List<String> options, String where) {
        long flags = 0;
        long propagation = 0;
        List<String> data = new ArrayList<>();
        for (String o : options == null ? List.<String>of() : options) {
            Flag f = FLAGS.get(o);
            if (f != null) {
                flags = f.clear ? flags & ~f.bits : flags | f.bits;
            } else if (PROPAGATION.containsKey(o)) {
                propagation = PROPAGATION.get(o);
            } else if (REFUSED.contains(o)) {
                throw new BulwarkException(where + ": mount option \"" + o + "\" is not supported by bulwark");
            } else if (o.startsWith("X-") || o.startsWith("x-")) {
                continue; // userspace-only options (as mount(8) treats them)
            } else {
                data.add(o);
            }
        }
        return new MountOptions(flags, propagation, String.join(",", data));
    }

    public boolean isBind() {
        return (flags & MS_BIND) != 0;
    }
}
