package io.bulwark.core.rootless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.spec.DefaultSpec;
import io.bulwark.core.spec.IdMapping;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.Namespace;
import io.bulwark.core.spec.Process;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.SpecProblem;
import io.bulwark.core.spec.User;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel's id-map rules for a caller without root, checked before anything is made. */
class RootlessIdMapsTest {
    static final Caller USER = new Caller(1000, 1001);
    static final String FILE = "/b/config.json";

    static Spec withLinux(Spec s, List<Namespace> ns, List<IdMapping> uids, List<IdMapping> gids) {
        Linux l = s.linux();
        return new Spec(s.ociVersion(), s.process(), s.root(), s.hostname(), s.domainname(), s.mounts(), s.hooks(),
            s.annotations(), new Linux(ns, uids, gids, l.timeOffsets(), l.devices(), l.cgroupsPath(), l.resources(),
            l.rootfsPropagation(), l.seccomp(), l.sysctl(), l.maskedPaths(), l.readonlyPaths(), l.mountLabel(),
            l.personality()));
    }

    static Spec withUser(Spec s, User u) {
        Process p = s.process();
        return new Spec(s.ociVersion(), new Process(p.terminal(), p.consoleSize(), u, p.args(), p.commandLine(),
            p.env(), p.cwd(), p.capabilities(), p.rlimits(), p.noNewPrivileges(), p.apparmorProfile(),
            p.oomScoreAdj(), p.scheduler(), p.selinuxLabel(), p.ioPriority(), p.execCPUAffinity()), s.root(),
            s.hostname(), s.domainname(), s.mounts(), s.hooks(), s.annotations(), s.linux());
    }

    static List<String> paths(List<SpecProblem> p) {
        return p.stream().map(SpecProblem::path).toList();
    }

    @Test
    void theConfigOfSpecRootlessIsAccepted() {
        assertEquals(List.of(), RootlessIdMaps.problems(DefaultSpec.rootless(1000, 1001), USER, FILE));
    }

    @Test
    void theRootDefaultWithItsSubordinateRangeIsRefusedForBothMaps() {
        List<SpecProblem> p = RootlessIdMaps.problems(DefaultSpec.create(), USER, FILE);
        assertEquals(List.of("$.linux.uidMappings[0]", "$.linux.gidMappings[0]"), paths(p));
        assertTrue(p.get(0).toString().startsWith(FILE + ": $.linux.uidMappings[0]: Bulwark runs as uid 1000, not"
            + " root: it can map only its own uid 1000 with size 1, not hostID 100000 size 65536"), p.get(0).toString());
        assertTrue(p.get(1).problem().contains("its own gid 1001"), p.get(1).problem());
    }

    @Test
    void noUserNamespaceIsRefused() {
        Spec s = DefaultSpec.rootless(1000, 1001);
        Spec noUser = withLinux(s, List.of(new Namespace("pid", null), new Namespace("mount", null)), null, null);
        assertEquals(List.of("$.linux.namespaces"), paths(RootlessIdMaps.problems(noUser, USER, FILE)));
    }

    @Test
    void joiningAUserNamespaceByPathNeedsNoMaps() {
        Spec s = DefaultSpec.rootless(1000, 1001);
        Spec join = withLinux(s, List.of(new Namespace("user", "/proc/4242/ns/user"), new Namespace("pid", null)),
            null, null);
        assertEquals(List.of(), RootlessIdMaps.problems(join, USER, FILE));
    }

    @Test
    void twoMappingsAreMoreThanTheKernelTakesFromAnUnprivilegedWriter() {
        Spec s = DefaultSpec.rootless(1000, 1001);
        Spec two = withLinux(s, s.linux().namespaces(), List.of(new IdMapping(0L, 1000L, 1L),
            new IdMapping(1L, 100000L, 65536L)), s.linux().gidMappings());
        List<SpecProblem> p = RootlessIdMaps.problems(two, USER, FILE);
        assertEquals(List.of("$.linux.uidMappings"), paths(p));
        assertTrue(p.get(0).problem().contains("got 2 mappings"), p.get(0).problem());
    }

    @Test
    void theProcessMustRunAsTheMappedIdsWithoutSupplementaryGroups() {
        Spec s = withUser(DefaultSpec.rootless(1000, 1001), new User(1000L, 5L, null, List.of(27L), null));
        List<SpecProblem> p = RootlessIdMaps.problems(s, USER, FILE);
        assertEquals(List.of("$.process.user.uid", "$.process.user.gid", "$.process.user.additionalGids"), paths(p));
        assertTrue(p.get(0).problem().startsWith("uid 1000 is not mapped: without root only container uid 0"));
    }

    @Test
    void aSysctlThatForbidsUnprivilegedUserNamespacesIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path sys)
            throws Exception {
        java.nio.file.Files.createDirectories(sys.resolve("kernel"));
        java.nio.file.Files.createDirectories(sys.resolve("user"));
        java.nio.file.Files.writeString(sys.resolve("user/max_user_namespaces"), "63000\n");
        assertEquals(java.util.Optional.empty(), UserNamespaceSysctls.blocker(sys), "mainline: no such sysctl");
        java.nio.file.Files.writeString(sys.resolve("kernel/unprivileged_userns_clone"), "0\n");
        assertTrue(UserNamespaceSysctls.blocker(sys).orElseThrow().contains("kernel.unprivileged_userns_clone=0"));
        java.nio.file.Files.writeString(sys.resolve("kernel/unprivileged_userns_clone"), "1\n");
        java.nio.file.Files.writeString(sys.resolve("user/max_user_namespaces"), "0\n");
        assertTrue(UserNamespaceSysctls.blocker(sys).orElseThrow().contains("user.max_user_namespaces=0"));
    }

    @Test
    void callerIdsComeFromTheEffectiveColumnOfProcSelfStatus() {
        Caller c = Caller.parseStatus("Name:\tjava\nUid:\t0\t1000\t1000\t1000\nGid:\t0\t1001\t1001\t1001\n");
        assertEquals(new Caller(1000, 1001), c);
        assertTrue(c.rootless());
        assertFalse(new Caller(0, 1001).rootless());
    }
}
