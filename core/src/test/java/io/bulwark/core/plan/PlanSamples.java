package io.bulwark.core.plan;

import static io.bulwark.core.plan.LinuxConstants.*;

import java.util.List;

/** Plans used by several tests. */
public final class PlanSamples {
    private PlanSamples() {
    }

    public static Plan full() {
        ProcessPlan proc = new ProcessPlan(null, List.of("sh", "-c", "echo \"hi\" \\ there"),
            List.of("PATH=/bin", "TERM=xterm", "UNICODE=\u00e9\u4e2d"), "/work",
            new UserPlan(1000, 1000, 0027, List.of(5L, 100L)),
            new CapabilityPlan(0x20000420L, 0x20000420L, 0, 0x20000420L, 0x400L),
            List.of(new RlimitPlan(7, 1024, 4096), new RlimitPlan(4, -1, -1)), true, -500, true, "bulwark-default",
            new SeccompPlan(1, new byte[] {6, 0, 0, 0, 0, 0, (byte) 0xff, 0x7f}));
        return new Plan(Plan.Kind.INIT, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER | CLONE_NEWNET,
            List.of(new NamespaceJoin(CLONE_NEWIPC, "/proc/1/ns/ipc")),
            new RootfsPlan("/var/lib/b/rootfs", true, false, MS_SLAVE | MS_REC), "box", "example.org",
            List.of(new MountPlan("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, ""),
                new MountPlan("/srv/data", "/data", "", MS_BIND | MS_REC | MS_RDONLY, MS_PRIVATE, ""),
                new MountPlan("tmpfs", "/dev", "tmpfs", MS_NOSUID, 0, "mode=755,size=65536k")),
            SpecConverter.DEFAULT_DEVICES,
            List.of(new SymlinkPlan("/proc/self/fd", "/dev/fd")),
            List.of("/proc/kcore", "/sys/firmware"), List.of("/proc/sys"),
            List.of(new SysctlPlan("net.ipv4.ip_forward", "1")), proc, new FdPlan(5, 6, 7, 2), true, 8,
            new TimeOffsetsPlan(-5, 100, 3600, 999_999_999), null);
    }

    /** A microVM's guest plan with a user namespace and its id maps. */
    public static Plan guest() {
        ProcessPlan proc = new ProcessPlan(null, List.of("sh"), List.of("PATH=/bin"), "/",
            new UserPlan(0, 0, 0022, List.of()), new CapabilityPlan(0x400L, 0x400L, 0, 0x400L, 0), List.of(), true,
            100, false, null, new SeccompPlan(0, new byte[] {6, 0, 0, 0, 0, 0, (byte) 0xff, 0x7f}));
        Plan init = new Plan(Plan.Kind.INIT, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER | CLONE_NEWTIME, List.of(),
            new RootfsPlan("/var/lib/b/rootfs", true, false, MS_SLAVE | MS_REC), "box", null,
            List.of(new MountPlan("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, "")),
            SpecConverter.DEFAULT_DEVICES, List.of(), List.of("/proc/kcore"), List.of("/proc/sys"), List.of(), proc,
            FdPlan.UNASSIGNED, false, null, new TimeOffsetsPlan(7, 0, -7, 0), null);
        return init.asGuest(new RootfsPlan("/.bulwark/rootfs", true, false, MS_SLAVE | MS_REC), init.mounts(),
            new IdMapsPlan(List.of(new IdMappingPlan(0, 100_000, 65_536)),
                List.of(new IdMappingPlan(0, 100_000, 1000), new IdMappingPlan(1000, 4_000_000_000L, 294_967_296L))));
    }

    public static Plan minimalExec() {
        ProcessPlan proc = new ProcessPlan(null, List.of("true"), List.of(), null, null, null, List.of(), false, null,
            false, null, null);
        return Plan.joining(Plan.Kind.EXEC, List.of(new NamespaceJoin(CLONE_NEWUSER, "/proc/42/ns/user")), proc,
            new FdPlan(3, -1, -1, 0));
    }
}
