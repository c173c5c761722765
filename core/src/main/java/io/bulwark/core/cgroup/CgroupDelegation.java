package io.bulwark.core.cgroup;

import io.bulwark.core.rootless.Caller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The part of the cgroup v2 hierarchy delegated to an unprivileged caller, as systemd delegates one (it chowns the
 * directory and its {@code cgroup.procs}, {@code cgroup.subtree_control} and {@code cgroup.threads} to the user).
 *
 * <p>Where containers go: the parent of the caller's own cgroup when the caller may write it (a process in
 * {@code user@1000.service/app.slice/x.scope} puts containers under {@code app.slice}, which has no processes of
 * its own and so can hand controllers down), else the caller's own cgroup (then only the controllers already
 * listed in its {@code cgroup.subtree_control} reach the containers: a cgroup with processes cannot enable more).
 * Writable means the directory, its {@code cgroup.procs} (moving the init from the caller's cgroup needs the
 * common ancestor's) and its {@code cgroup.subtree_control}.
 *
 * @param unified     the unified hierarchy (null when the host has none)
 * @param base        directory relative to the unified root under which containers' cgroups are made, or null
 *                    when nothing is delegated
 * @param controllers the controllers containers below {@code base} can have
 * @param summary     where the delegation is, or why there is none, for messages
 */
public record CgroupDelegation(CgroupEnvironment unified, String base, Set<String> controllers, String summary) {

    public CgroupDelegation {
        controllers = Set.copyOf(controllers);
    }

    public boolean usable() {
        return base != null;
    }

    /** What this host delegates to {@code caller}: the unified mount is /sys/fs/cgroup or a hybrid's unified. */
    public static CgroupDelegation host(Caller caller) {
        String self;
        try {
            self = Files.readString(Path.of("/proc/self/cgroup"));
        } catch (IOException e) {
            return none(null, "cannot read /proc/self/cgroup: " + e.getMessage());
        }
        for (Path mount : new Path[] {CgroupEnvironment.DEFAULT_ROOT, CgroupEnvironment.DEFAULT_ROOT.resolve("unified")}) {
            if (Files.exists(mount.resolve("cgroup.controllers"))) {
                CgroupDelegation d = detect(new DirectoryCgroupFs(mount), new NativeCgroupKernel(), self, caller);
                if (!d.usable() && !mount.equals(CgroupEnvironment.DEFAULT_ROOT)) {
                    // a hybrid host: delegating v1 to an unprivileged user is not safe (systemd's cgroup delegation
                    // notes), so only the unified side could serve
                    return none(d.unified(), "cgroup v1 hierarchies are not used without root, and "
                        + d.summary());
                }
                return d;
            }
        }
        return none(null, "this host has no cgroup v2 hierarchy");
    }

    /** The delegation found in the unified hierarchy at {@code fs}'s root for a process with {@code procSelfCgroup}. */
    public static CgroupDelegation detect(CgroupFs fs, CgroupKernel kernel, String procSelfCgroup, Caller caller) {
        CgroupEnvironment env = CgroupEnvironment.unified(fs, kernel, procSelfCgroup);
        String own = CgroupFs.join(env.ownPaths().get(""));
        String parent = own.isEmpty() ? null : own.contains("/") ? own.substring(0, own.lastIndexOf('/')) : "";
        String who = "uid " + caller.uid();
        if (parent != null && writable(fs, parent, caller)) {
            return new CgroupDelegation(env, parent, controllersFor(fs, parent, false), where(fs, parent, who));
        }
        if (writable(fs, own, caller)) {
            return new CgroupDelegation(env, own, controllersFor(fs, own, own.isEmpty()), where(fs, own, who));
        }
        return none(env, parent == null
            ? "its cgroup " + fs.root().resolve(own) + " is not writable by it"
            : "neither its cgroup " + fs.root().resolve(own) + " nor the parent is writable by it");
    }

    private static CgroupDelegation none(CgroupEnvironment env, String why) {
        return new CgroupDelegation(env, null, Set.of(), why);
    }

    private static String where(CgroupFs fs, String base, String who) {
        return "cgroup v2 subtree " + fs.root().resolve(base) + " delegated to " + who;
    }

    /**
     * What containers below {@code dir} can have: what its {@code cgroup.subtree_control} already enables, plus
     * what its parent offers it ({@code cgroup.controllers}) when it may enable them: a cgroup with no processes of
     * its own, or the root of the hierarchy.
     */
    static Set<String> controllersFor(CgroupFs fs, String dir, boolean isRoot) {
        String prefix = dir.isEmpty() ? "" : dir + "/";
        Set<String> out = new LinkedHashSet<>(words(fs.readIfExists(prefix + "cgroup.subtree_control").orElse("")));
        boolean empty = fs.readIfExists(prefix + "cgroup.procs").orElse("").isBlank();
        if (empty || isRoot) {
            out.addAll(words(fs.readIfExists(prefix + "cgroup.controllers").orElse("")));
        }
        return out;
    }

    private static Set<String> words(String s) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : s.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** The directory and the two files a delegatee needs are writable by the caller (owner, group or other bits). */
    static boolean writable(CgroupFs fs, String dir, Caller caller) {
        Path d = fs.root().resolve(dir);
        return writableBy(d, caller) && writableBy(d.resolve("cgroup.procs"), caller)
            && writableBy(d.resolve("cgroup.subtree_control"), caller);
    }

    /**
     * Decided from owner and mode rather than access(2), so that the answer is the caller's even when a test runs
     * as root over a fake tree. cgroupfs has no ACLs; supplementary groups are not considered.
     */
    static boolean writableBy(Path p, Caller caller) {
        try {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> perms = a.permissions();
            if (caller.uid() == 0) {
                return true;
            }
            if (uid == caller.uid()) {
                return perms.contains(PosixFilePermission.OWNER_WRITE);
            }
            if (gid == caller.gid()) {
                return perms.contains(PosixFilePermission.GROUP_WRITE);
            }
            return perms.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
