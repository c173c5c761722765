package io.bulwark.core.plan;

import static io.bulwark.core.plan.LinuxConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.*;
import io.bulwark.core.spec.Process;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecConverterTest {
    static final Path BUNDLE = Path.of("/srv/bundle");

    static Process process(List<String> args) {
        return new Process(false, null, new User(0L, 0L, null, null, null), args, null, List.of("PATH=/bin"), "/",
            new Capabilities(List.of("CAP_KILL", "CAP_AUDIT_WRITE"), List.of("CAP_KILL"), null, List.of("CAP_KILL"), null),
            List.of(new Rlimit("RLIMIT_NOFILE", 1024L, 1024L)), true, null, null, null, null, null, null);
    }

    static Spec spec(List<Namespace> ns, List<Mount> mounts, String hostname) {
        Linux linux = new Linux(ns, null, null, null, null, null, null, null, null, Map.of("net.ipv4.ip_forward", "1"),
            List.of("/proc/kcore"), List.of("/proc/sys"), null, null);
        return new Spec("1.2.0", process(List.of("sh")), new Root("rootfs", true), hostname, null, mounts, null, null,
            linux);
    }

    static List<Namespace> allNamespaces() {
        return List.of(new Namespace("pid", null), new Namespace("network", null), new Namespace("mount", null),
            new Namespace("ipc", null), new Namespace("uts", null), new Namespace("user", null),
            new Namespace("cgroup", "/proc/1/ns/cgroup"));
    }

    @Test
    void namespacesBecomeCloneFlagsAndJoins() {
        Plan p = SpecConverter.convert(spec(allNamespaces(), List.of(), "box"), BUNDLE, false, null);
        assertEquals(CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWUSER,
            p.newNamespaces());
        assertEquals(List.of(new NamespaceJoin(CLONE_NEWCGROUP, "/proc/1/ns/cgroup")), p.joins());
        assertEquals("box", p.hostname());
        assertEquals(new RootfsPlan("/srv/bundle/rootfs", true, false, MS_SLAVE | MS_REC), p.rootfs());
    }

    @Test
    void userNamespaceJoinComesFirst() {
        Plan p = SpecConverter.convert(spec(List.of(new Namespace("mount", null), new Namespace("network", "/run/netns/x"),
            new Namespace("user", "/proc/9/ns/user")),
            List.of(), null), BUNDLE, true, null);
        assertEquals(CLONE_NEWUSER, p.joins().get(0).type());
        assertTrue(p.rootfs().noPivot());
    }

    @Test
    void processFieldsBecomeNumbers() {
        Plan p = SpecConverter.convert(spec(allNamespaces(), List.of(), null), BUNDLE, false, new SeccompPlan(0, new byte[8]));
        ProcessPlan pp = p.process();
        assertEquals(new CapabilityPlan((1L << 5) | (1L << 29), 1L << 5, 0, 1L << 5, 0), pp.capabilities());
        assertEquals(List.of(new RlimitPlan(7, 1024, 1024)), pp.rlimits());
        assertEquals(new UserPlan(0, 0, 0022, List.of()), pp.user());
        assertTrue(pp.noNewPrivileges());
        assertEquals(1, pp.seccomp().filter().length / 8);
        assertEquals(List.of(new SysctlPlan("net.ipv4.ip_forward", "1")), p.sysctls());
        assertEquals(List.of("/proc/kcore"), p.maskedPaths());
    }

    @Test
    void mountsGetFlagsDataAndPropagation() {
        List<Mount> mounts = List.of(
            new Mount("/proc", "proc", List.of("nosuid", "noexec", "nodev"), "proc", null, null),
            new Mount("/dev", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"), "tmpfs", null, null),
            new Mount("/dev/pts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666"), "devpts", null, null),
            new Mount("data/../x/../../etc", "conf", List.of("rbind", "ro", "rprivate", "X-mount.mkdir"), "bind", null, null),
            new Mount("/sys/fs/cgroup", "cgroup", List.of("ro"), "cgroup", null, null));
        Plan p = SpecConverter.convert(spec(allNamespaces(), mounts, null), BUNDLE, false, null);
        assertEquals(new MountPlan("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, 0, ""), p.mounts().get(0));
        assertEquals(new MountPlan("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, 0, "mode=755,size=65536k"),
            p.mounts().get(1));
        assertEquals("newinstance,ptmxmode=0666", p.mounts().get(2).data());
        assertEquals(new MountPlan("/srv/bundle/conf", "/etc", "", MS_BIND | MS_REC | MS_RDONLY, MS_PRIVATE | MS_REC, ""),
            p.mounts().get(3));
        assertEquals("cgroup2", p.mounts().get(4).fstype());
        assertTrue(p.symlinks().contains(new SymlinkPlan("pts/ptmx", "/dev/ptmx")));
        assertEquals(SpecConverter.DEFAULT_DEVICES, p.devices());
    }

    @Test
    void aDevTmpfsIsAddedWhenTheConfigHasNone() {
        Plan p = SpecConverter.convert(spec(allNamespaces(), List.of(), null), BUNDLE, false, null);
        assertEquals("/dev", p.mounts().get(0).destination());
        assertEquals("tmpfs", p.mounts().get(0).fstype());
    }

    @Test
    void refusals() {
        assertRefused(spec(List.of(new Namespace("pid", null)), List.of(), null), "new mount namespace");
        assertRefused(spec(List.of(new Namespace("mount", null)), List.of(), "h"), "uts namespace");
        assertRefused(spec(List.of(new Namespace("mount", null), new Namespace("bogus", null)), List.of(), null),
            "linux.namespaces[1].type: unknown namespace type \"bogus\"");
        assertRefused(spec(allNamespaces(), List.of(new Mount("/x", "t", List.of("tmpcopyup"), "tmpfs", null, null)),
            null), "mounts[0].options: mount option \"tmpcopyup\" is not supported");
        assertRefused(spec(allNamespaces(), List.of(new Mount("/x", null, List.of("bind"), null, null, null)), null),
            "mounts[0].source: a bind mount needs a source");
    }

    @Test
    void unknownCapabilityIsRefusedWithItsPath() {
        BulwarkException e = assertThrows(BulwarkException.class,
            () -> SpecConverter.capMask(List.of("CAP_KILL", "CAP_FLY"), "process.capabilities.bounding"));
        assertEquals("config.json: process.capabilities.bounding[1]: unknown capability \"CAP_FLY\"", e.getMessage());
    }

    @Test
    void mountOptionTable() {
        MountOptions o = MountOptions.parse(List.of("ro", "rw", "nosuid", "suid", "nodev", "rslave", "size=1m", "mode=1777"), "m");
        assertEquals(MS_NODEV, o.flags());
        assertEquals(MS_SLAVE | MS_REC, o.propagation());
        assertEquals("size=1m,mode=1777", o.data());
    }

    @Test
    void cleanNeverClimbsAboveRoot() {
        assertEquals("/etc", SpecConverter.clean("../../etc"));
        assertEquals("/a/b", SpecConverter.clean("a/./b/"));
        assertEquals("/", SpecConverter.clean("/.."));
    }

    private static void assertRefused(Spec s, String message) {
        BulwarkException e = assertThrows(BulwarkException.class, () -> SpecConverter.convert(s, BUNDLE, false, null));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
