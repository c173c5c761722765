package io.bulwark.core.plan;

import java.util.List;
import java.util.Objects;

/**
 * What the shim executes: the internal, already-decided form of a container or process configuration. Java fills
 * it in (from the OCI spec, an exec request or a hook), {@link PlanEncoder} turns it into bytes, and the shim only
 * carries it out. Nothing in here needs interpretation beyond a system call.
 *
 * @param kind          what the shim is asked to do
 * @param newNamespaces CLONE_NEW* flags of the namespaces to create
 * @param joins         namespaces to join by path, in order (user namespace first)
 * @param rootfs        the root filesystem (init only), or null
 * @param hostname      the UTS hostname, or null to leave it
 * @param domainname    the UTS domain name, or null
 * @param mounts        mounts to perform, in order, destinations relative to the rootfs
 * @param devices       device nodes to create in the container
 * @param symlinks      symlinks to create in the container (the /dev/fd family)
 * @param maskedPaths   paths hidden from the workload
 * @param readonlyPaths paths made read-only
 * @param sysctls       kernel parameters to write under /proc/sys
 * @param process       the process to run
 * @param fds           descriptor numbers the shim finds its plumbing at; null in a guest plan (nothing is on the
 *                      other side of a descriptor in a guest)
 * @param createHooks   whether the init stops before pivot_root so that Java can run the create hooks
 * @param personality   the execution domain for personality(2) (PER_LINUX32...), or null to keep it
 * @param timeOffsets   clock offsets of a new time namespace, or null
 * @param idMaps        the id maps of the new user namespace, which the shim writes itself: guest plans only, and
 *                      there exactly when a user namespace is created
 * @param wallClockSeconds how long the workload may run once started (init plans only; 1 to 2^32-1), or null for
 *                      no limit: the shim's watchdog kills the init when it has passed, whoever waits for it or not
 */
public record Plan(
    Kind kind,
    long newNamespaces,
    List<NamespaceJoin> joins,
    RootfsPlan rootfs,
    String hostname,
    String domainname,
    List<MountPlan> mounts,
    List<DevicePlan> devices,
    List<SymlinkPlan> symlinks,
    List<String> maskedPaths,
    List<String> readonlyPaths,
    List<SysctlPlan> sysctls,
    ProcessPlan process,
    FdPlan fds,
    boolean createHooks,
    Integer personality,
    TimeOffsetsPlan timeOffsets,
    IdMapsPlan idMaps,
    Long wallClockSeconds) {

    /** What the shim does with the plan. Codes are part of the binary format. */
    public enum Kind {
        /** Create a container: new namespaces, rootfs, wait on the exec FIFO, then execve the workload. */
        INIT(1),
        /** Join a running container's namespaces and execve an extra process. */
        EXEC(2),
        /** Join a container's namespaces and run a hook program. */
        HOOK(3),
        /**
         * Be pid 1 of a microVM: create the container inside the guest as INIT does on a host (writing the id maps
         * itself), run the workload, report its exit status through the exit device and power the VM off.
         */
        GUEST(4);

        public final int code;

        Kind(int code) {
            this.code = code;
        }

        public static Kind of(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown plan kind " + code);
        }
    }

    public Plan {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(process, "process");
        joins = List.copyOf(joins);
        mounts = List.copyOf(mounts);
        devices = List.copyOf(devices);
        symlinks = List.copyOf(symlinks);
        maskedPaths = List.copyOf(maskedPaths);
        readonlyPaths = List.copyOf(readonlyPaths);
        sysctls = List.copyOf(sysctls);
        if ((kind == Kind.INIT || kind == Kind.GUEST) && rootfs == null) {
            throw new IllegalArgumentException("an " + kind + " plan needs a rootfs");
        }
        if (kind == Kind.GUEST) {
            if (fds != null || !joins.isEmpty() || createHooks || process.terminal()) {
                throw new IllegalArgumentException("a guest plan has no descriptors, joins, create hooks or terminal");
            }
            if (process.seccomp() != null && (process.seccomp().flags() & SeccompPlan.FLAG_NEW_LISTENER) != 0) {
                throw new IllegalArgumentException("a guest plan has no seccomp listener to hand on");
            }
            if (((newNamespaces & LinuxConstants.CLONE_NEWUSER) != 0) != (idMaps != null)) {
                throw new IllegalArgumentException("a guest plan has id maps exactly when it creates a user namespace");
            }
        } else {
            Objects.requireNonNull(fds, "fds");
            if (idMaps != null) {
                throw new IllegalArgumentException("only a guest plan carries id maps (the runtime writes them)");
            }
        }
        if (wallClockSeconds != null && (kind != Kind.INIT || wallClockSeconds < 1 || wallClockSeconds > 0xFFFFFFFFL)) {
            throw new IllegalArgumentException("a wall-clock limit of " + wallClockSeconds + " s in a " + kind + " plan");
        }
    }

    /** A plan without a wall-clock limit. */
    public Plan(Kind kind, long newNamespaces, List<NamespaceJoin> joins, RootfsPlan rootfs, String hostname,
                String domainname, List<MountPlan> mounts, List<DevicePlan> devices, List<SymlinkPlan> symlinks,
                List<String> maskedPaths, List<String> readonlyPaths, List<SysctlPlan> sysctls, ProcessPlan process,
                FdPlan fds, boolean createHooks, Integer personality, TimeOffsetsPlan timeOffsets, IdMapsPlan idMaps) {
        this(kind, newNamespaces, joins, rootfs, hostname, domainname, mounts, devices, symlinks, maskedPaths,
            readonlyPaths, sysctls, process, fds, createHooks, personality, timeOffsets, idMaps, null);
    }

    /** Same plan with other descriptor numbers (the backend decides them right before spawning). */
    public Plan withFds(FdPlan newFds) {
        return new Plan(kind, newNamespaces, joins, rootfs, hostname, domainname, mounts, devices, symlinks,
            maskedPaths, readonlyPaths, sysctls, process, newFds, createHooks, personality, timeOffsets, idMaps,
            wallClockSeconds);
    }

    /** Same plan, with or without the stop for create hooks. */
    public Plan withCreateHooks(boolean stop) {
        return new Plan(kind, newNamespaces, joins, rootfs, hostname, domainname, mounts, devices, symlinks,
            maskedPaths, readonlyPaths, sysctls, process, fds, stop, personality, timeOffsets, idMaps,
            wallClockSeconds);
    }

    /** Same plan with a wall-clock limit in seconds (null: none). */
    public Plan withWallClockLimit(Long seconds) {
        return new Plan(kind, newNamespaces, joins, rootfs, hostname, domainname, mounts, devices, symlinks,
            maskedPaths, readonlyPaths, sysctls, process, fds, createHooks, personality, timeOffsets, idMaps, seconds);
    }

    /**
     * This init plan as the guest plan of a microVM: the rootfs at its path inside the guest, mounts as given (the
     * caller has put their sources where the guest finds them), no descriptors, and the id maps the guest init
     * writes (null without a new user namespace).
     */
    public Plan asGuest(RootfsPlan guestRootfs, List<MountPlan> guestMounts, IdMapsPlan maps) {
        if (kind != Kind.INIT) {
            throw new IllegalArgumentException("only an init plan becomes a guest plan, not " + kind);
        }
        return new Plan(Kind.GUEST, newNamespaces, joins, guestRootfs, hostname, domainname, guestMounts, devices,
            symlinks, maskedPaths, readonlyPaths, sysctls, process, null, false, personality, timeOffsets, maps);
    }

    /** A plan that only runs a process after joining namespaces (exec and hook kinds). */
    public static Plan joining(Kind kind, List<NamespaceJoin> joins, ProcessPlan process, FdPlan fds) {
        return new Plan(kind, 0, joins, null, null, null, List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(), process, fds, false, null, null, null);
    }
}
