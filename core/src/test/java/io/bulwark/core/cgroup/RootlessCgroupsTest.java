package io.bulwark.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.rootless.Caller;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.NetworkResources;
import io.bulwark.core.spec.PidsResources;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.spec.SpecProblem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rootless cgroups against fake unified trees: where a delegated subtree is found (systemd's layout: the user's
 * manager owns its subtree), which controllers reach containers, and the refusal of each limit that cannot be
 * enforced, with its JSON path and reason.
 */
class RootlessCgroupsTest {
    static final Caller USER = new Caller(1000, 1000);
    static final String APP = "user.slice/user-1000.slice/user@1000.service/app.slice";
    static final String SELF = "0::/" + APP + "/run-1.scope\n";
    static final String FILE = "/b/config.json";

    @TempDir
    Path tmp;
    FakeCgroupFs fs;
    RecordingCgroupKernel kernel = new RecordingCgroupKernel();

    @BeforeEach
    void setUp() throws Exception {
        fs = HostLayouts.unified(Files.createDirectories(tmp.resolve("cgroupfs")));
        fs.mkdirs(APP + "/run-1.scope");
        fs.put(APP + "/run-1.scope/cgroup.procs", "4000\n"); // the caller
    }

    /** What systemd does for Delegate=yes: the directory and the delegatee's three files belong to the user. */
    void delegate(String dir, String controllers) throws Exception {
        for (String f : List.of("", "cgroup.procs", "cgroup.subtree_control", "cgroup.threads")) {
            Path p = fs.root().resolve(CgroupFs.join(dir, f)); // join: never an absolute path out of the tree
            if (!Files.exists(p)) {
                Files.writeString(p, "");
            }
            Files.setAttribute(p, "unix:uid", 1000, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", 1000, LinkOption.NOFOLLOW_LINKS);
        }
        fs.put(CgroupFs.join(dir, "cgroup.controllers"), controllers);
    }

    CgroupDelegation detect() {
        return CgroupDelegation.detect(fs, kernel, SELF, USER);
    }

    static Linux linux(String cgroupsPath, Resources r) {
        return new Linux(null, null, null, null, null, cgroupsPath, r, null, null, null, null, null, null, null);
    }

    static Resources memoryPidsCpu() {
        return new Resources(null, new MemoryResources(64L << 20, null, null, null, null, null, null, null, null),
            new CpuResources(null, 20_000L, null, 100_000L, null, null, null, null, null), new PidsResources(50L),
            null, null, null, null, null);
    }

    static List<String> paths(List<SpecProblem> problems) {
        return problems.stream().map(SpecProblem::path).toList();
    }

    // ---- detection ----

    @Test
    void theParentOfTheCallersCgroupIsTheBaseWhenDelegated() throws Exception {
        delegate(APP, "cpu memory pids");
        CgroupDelegation d = detect();
        assertTrue(d.usable());
        assertEquals(APP, d.base());
        // app.slice has no processes of its own, so it can enable what its parent offers it
        assertEquals(Set.of("cpu", "memory", "pids"), d.controllers());
        assertTrue(d.summary().contains(fs.root().resolve(APP).toString()), d.summary());
    }

    @Test
    void onlyTheOwnCgroupWritableGivesWhatItsSubtreeControlAlreadyLists() throws Exception {
        delegate(APP + "/run-1.scope", "cpu memory pids");
        fs.put(APP + "/run-1.scope/cgroup.subtree_control", "");
        CgroupDelegation d = detect();
        assertTrue(d.usable());
        assertEquals(APP + "/run-1.scope", d.base());
        // the caller is in it: a cgroup with processes cannot enable controllers for children
        assertEquals(Set.of(), d.controllers());
    }

    @Test
    void aNamespaceRootListsWhatItsSubtreeControlEnablesAndWhatItCanEnable() throws Exception {
        delegate("", "memory pids");
        fs.put("cgroup.subtree_control", "memory");
        fs.put("cgroup.procs", "1\n7\n");
        CgroupDelegation d = CgroupDelegation.detect(fs, kernel, "0::/\n", USER);
        assertEquals("", d.base());
        assertEquals(Set.of("memory", "pids"), d.controllers());
    }

    @Test
    void nothingWritableMeansNoDelegationAndSaysWhere() {
        CgroupDelegation d = detect();
        assertFalse(d.usable());
        assertNull(d.base());
        assertTrue(d.summary().contains(fs.root().resolve(APP + "/run-1.scope") + " nor the parent is writable"),
            d.summary());
    }

    @Test
    void aDirectoryOwnedByTheUserWithoutWritableControlFilesIsNotADelegation() throws Exception {
        delegate(APP, "memory");
        Files.setAttribute(fs.root().resolve(APP + "/cgroup.procs"), "unix:uid", 0);
        assertFalse(detect().usable(), "moving the init needs the base's cgroup.procs");
    }

    @Test
    void groupWritableFilesCountForTheCallersGroup() throws Exception {
        delegate(APP, "memory");
        for (String f : List.of("", "cgroup.procs", "cgroup.subtree_control")) {
            Path p = fs.root().resolve(CgroupFs.join(APP, f));
            Files.setAttribute(p, "unix:uid", 0);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(f.isEmpty() ? "rwxrwxr-x" : "rw-rw-r--"));
        }
        assertTrue(detect().usable());
        assertFalse(CgroupDelegation.detect(fs, kernel, SELF, new Caller(1000, 2000)).usable());
    }

    // ---- refusals ----

    @Test
    void withoutDelegationEveryLimitIsRefusedByPathAndReason() {
        RootlessCgroups rl = new RootlessCgroups(USER, detect());
        List<SpecProblem> p = rl.problems(linux(null, memoryPidsCpu()), Map.of(), FILE);
        assertEquals(List.of("$.linux.resources.memory.limit", "$.linux.resources.cpu.quota",
            "$.linux.resources.pids.limit"), paths(p));
        assertTrue(p.get(0).toString().startsWith(FILE + ": $.linux.resources.memory.limit: cgroup v2 memory"
            + " controller not delegated to uid 1000 ("), p.get(0).toString());
        assertTrue(p.get(2).problem().startsWith("cgroup v2 pids controller not delegated to uid 1000"));
    }

    @Test
    void aPartialDelegationRefusesOnlyWhatIsMissingAndNamesWhatIsOffered() throws Exception {
        delegate(APP, "memory pids");
        RootlessCgroups rl = new RootlessCgroups(USER, detect());
        List<SpecProblem> p = rl.problems(linux(null, memoryPidsCpu()), Map.of(), FILE);
        assertEquals(List.of("$.linux.resources.cpu.quota"), paths(p));
        assertTrue(p.get(0).problem().contains("cgroup v2 cpu controller not delegated to uid 1000"), p.toString());
        assertTrue(p.get(0).problem().contains("offers: memory pids"), p.toString());
    }

    @Test
    void limitsWithoutACgroupV2EquivalentAreRefusedEvenWithDelegation() throws Exception {
        delegate(APP, "cpu cpuset io memory pids hugetlb rdma");
        RootlessCgroups rl = new RootlessCgroups(USER, detect());
        Resources r = new Resources(null, new MemoryResources(null, null, null, null, null, 10L, null, null, null),
            null, null, null, null, new NetworkResources(7L, null), null, null);
        List<SpecProblem> p = rl.problems(linux(null, r), Map.of(), FILE);
        assertEquals(List.of("$.linux.resources.memory.swappiness", "$.linux.resources.network.classID"), paths(p));
        assertTrue(p.get(1).problem().startsWith("has no cgroup v2 equivalent"), p.toString());
    }

    @Test
    void valuesThatMeanNoLimitAskForNothing() {
        RootlessCgroups rl = new RootlessCgroups(USER, detect());
        Resources r = new Resources(null, new MemoryResources(-1L, 0L, -1L, null, null, null, false, null, null),
            new CpuResources(0L, -1L, null, 100_000L, null, null, "", null, null), new PidsResources(0L), null,
            List.of(), null, Map.of(), Map.of());
        assertEquals(List.of(), rl.problems(linux(null, r), Map.of(), FILE));
    }

    @Test
    void unifiedKeysNeedTheirControllerAndCoreKeysOnlyTheDelegation() throws Exception {
        delegate(APP, "memory");
        RootlessCgroups rl = new RootlessCgroups(USER, detect());
        Resources r = new Resources(null, null, null, null, null, null, null, null,
            Map.of("memory.high", "1G", "io.weight", "50", "cgroup.max.descendants", "5"));
        assertEquals(List.of("$.linux.resources.unified[\"io.weight\"]"),
            paths(rl.problems(linux(null, r), Map.of(), FILE)));
    }

    @Test
    void theWarnAnnotationTurnsRefusalsIntoAWarningListingEachLimit() {
        RootlessCgroups rl = new RootlessCgroups(USER, detect());
        Map<String, String> warn = Map.of(RootlessCgroups.ANNOTATION, "warn");
        assertEquals(List.of(), rl.problems(linux(null, memoryPidsCpu()), warn, FILE));
        String w = rl.warning("c1", rl.unenforceable(memoryPidsCpu()));
        assertTrue(w.startsWith("container c1 runs WITHOUT these limits"), w);
        for (String path : List.of("memory.limit", "cpu.quota", "pids.limit")) {
            assertTrue(w.contains("$.linux.resources." + path + ": cgroup v2"), w);
        }
    }

    @Test
    void underATenantPolicyTheWarnAnnotationIsIgnored() {
        RootlessCgroups rl = new RootlessCgroups(USER, detect());
        Map<String, String> ann = Map.of(RootlessCgroups.ANNOTATION, "warn", "io.bulwark.tenant", "ci-runner");
        List<SpecProblem> p = rl.problems(linux(null, memoryPidsCpu()), ann, FILE);
        assertEquals(3, p.size());
        assertTrue(p.get(0).problem().endsWith("(io.bulwark.rootless.unenforced-limits=warn is ignored: tenant"
            + " ci-runner's policy admitted this container)"), p.get(0).problem());
    }

    @Test
    void anyOtherAnnotationValueIsAnError() {
        RootlessCgroups rl = new RootlessCgroups(USER, detect());
        List<SpecProblem> p = rl.problems(linux(null, null), Map.of(RootlessCgroups.ANNOTATION, "ignore"), FILE);
        assertEquals(List.of("$.annotations[\"io.bulwark.rootless.unenforced-limits\"]"), paths(p));
    }

    @Test
    void anAbsoluteCgroupsPathMustStayInTheDelegatedSubtree() throws Exception {
        delegate(APP, "memory");
        RootlessCgroups rl = new RootlessCgroups(USER, detect());
        assertEquals(List.of("$.linux.cgroupsPath"), paths(rl.problems(linux("/system.slice/x", null), Map.of(), FILE)));
        assertEquals(List.of(), rl.problems(linux("/" + APP + "/jobs/x", null), Map.of(), FILE));
        assertEquals(APP + "/jobs/y", rl.location("y", "jobs/y").dirs().get(""));
        assertEquals(APP + "/bulwark/z", rl.location("z", null).dirs().get(""));
    }

    @Test
    void enforceableDropsWholeFieldsThatCannotBeEnforced() throws Exception {
        delegate(APP, "memory pids");
        RootlessCgroups rl = new RootlessCgroups(USER, detect());
        Resources kept = rl.enforceable(memoryPidsCpu());
        assertNull(kept.cpu());
        assertEquals(memoryPidsCpu().memory(), kept.memory());
        assertEquals(memoryPidsCpu().pids(), kept.pids());
    }

    // ---- placement ----

    @Test
    void aDelegatedContainerGetsItsCgroupBelowTheBaseWithItsLimits() throws Exception {
        delegate(APP, "memory pids");
        fs.put(APP + "/cgroup.subtree_control", "");
        ContainerCgroups cgroups = new ContainerCgroups(() -> {
            throw new AssertionError("the host's environment is not for a rootless caller");
        }, USER, this::detect);
        Path state = tmp.resolve("state/c1");
        Resources r = new Resources(null, new MemoryResources(64L << 20, null, null, null, null, null, null, null,
            null), null, new PidsResources(50L), null, null, null, null, null);
        CgroupManager m = cgroups.place("c1", state, linux(null, r), Map.of(), 4242);
        assertEquals(APP + "/bulwark/c1", m.location().dirs().get(""));
        int limit = fs.writes.indexOf(APP + "/bulwark/c1/memory.max=67108864");
        int joined = fs.writes.indexOf(APP + "/bulwark/c1/cgroup.procs=4242");
        assertTrue(fs.writes.contains(APP + "/bulwark/c1/pids.max=50"), fs.writes.toString());
        assertTrue(limit >= 0 && joined > limit, fs.writes.toString());
        assertTrue(fs.writes.contains(APP + "/cgroup.subtree_control=+memory"), fs.writes.toString());
        fs.put(APP + "/bulwark/c1/cgroup.procs", ""); // the fake kernel: the init has ended
        cgroups.remove(state);
        assertFalse(fs.exists(APP + "/bulwark"));
    }

    @Test
    void withoutDelegationThereIsNoCgroupAndNothingIsWritten() {
        ContainerCgroups cgroups = new ContainerCgroups(() -> {
            throw new AssertionError("unused");
        }, USER, this::detect);
        Path state = tmp.resolve("state/c2");
        assertNull(cgroups.place("c2", state, linux(null, null), Map.of(), 4242));
        assertEquals(List.of(), fs.writes);
        assertFalse(Files.exists(state.resolve(ContainerCgroups.FILE)));
        assertEquals(List.of(), cgroups.processes(state));
    }

    @Test
    void placeRefusesAnUnenforceableLimitEvenIfTheCheckWasSkipped() {
        ContainerCgroups cgroups = new ContainerCgroups(() -> {
            throw new AssertionError("unused");
        }, USER, this::detect);
        BulwarkException e = assertThrows(BulwarkException.class, () -> cgroups.place("c3", tmp.resolve("s3"),
            linux(null, memoryPidsCpu()), Map.of(), 4242));
        assertTrue(e.getMessage().contains("$.linux.resources.memory.limit: cgroup v2 memory controller not delegated"),
            e.getMessage());
        assertEquals(List.of(), fs.writes);
    }

    @Test
    void warnModeWithAPartialDelegationAppliesWhatItCan() throws Exception {
        delegate(APP, "memory");
        ContainerCgroups cgroups = new ContainerCgroups(() -> {
            throw new AssertionError("unused");
        }, USER, this::detect);
        CgroupManager m = cgroups.place("c4", tmp.resolve("s4"), linux(null, memoryPidsCpu()),
            Map.of(RootlessCgroups.ANNOTATION, "warn"), 4242);
        assertTrue(fs.writes.contains(APP + "/bulwark/c4/memory.max=67108864"), fs.writes.toString());
        assertFalse(fs.writes.stream().anyMatch(w -> w.contains("pids.max") || w.contains("cpu.max")),
            fs.writes.toString());
        m.destroy();
    }
}
