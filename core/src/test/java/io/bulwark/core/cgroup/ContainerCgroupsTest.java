package io.bulwark.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.plan.CgroupView;
import io.bulwark.core.spec.BlockIo;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.PidsResources;
import io.bulwark.core.spec.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerCgroupsTest {
    @TempDir
    Path tmp;
    FakeCgroupFs fs;
    ContainerCgroups cgroups;
    Path state;

    @BeforeEach
    void setUp() throws Exception {
        fs = HostLayouts.hybridV1(Files.createDirectories(tmp.resolve("cgroupfs")));
        CgroupEnvironment env = CgroupEnvironment.detect(fs, new RecordingCgroupKernel(),
            HostLayouts.PROC_SELF_CGROUP);
        cgroups = new ContainerCgroups(() -> env);
        state = tmp.resolve("state/c1");
    }

    private static Linux linux(String cgroupsPath, Resources resources) {
        return new Linux(null, null, null, null, null, cgroupsPath, resources, null, null, null, null, null, null,
            null);
    }

    @Test
    void placeLimitsFirstThenMovesTheInitAndRecordsTheLocation() {
        cgroups.place("c1", state, linux(null, new Resources(null, null, null, new PidsResources(32L), null, null,
            null, null, null)), 4242);
        int limit = fs.writes.indexOf("pids/bulwark/c1/pids.max=32");
        int joined = fs.writes.indexOf("pids/bulwark/c1/cgroup.procs=4242");
        assertTrue(limit >= 0 && joined > limit, fs.writes.toString());
        assertTrue(Files.exists(state.resolve(ContainerCgroups.FILE)));
        CgroupManager reopened = cgroups.require("c1", state);
        assertEquals("memory/outer/job/bulwark/c1", reopened.location().dirs().get("memory"));
    }

    @Test
    void theInitJoinsSystemdsNamedHierarchyAndTheCgroupMountShowsIt() {
        cgroups.place("c1", state, linux(null, null), 4242);
        assertTrue(fs.writes.contains("systemd/bulwark/c1/cgroup.procs=4242"), fs.writes.toString());
        CgroupView view = cgroups.view("c1", linux(null, null));
        assertEquals(fs.root().resolve("systemd/bulwark/c1").toString(), view.hierarchies().get("systemd"));
        assertEquals(fs.root().resolve("memory/outer/job/bulwark/c1").toString(), view.hierarchies().get("memory"));
        assertFalse(view.links().containsKey("name=systemd"), view.links().toString());
        initGone();
        cgroups.remove(state);
        assertFalse(fs.exists("systemd/bulwark/c1"), "delete removes the systemd cgroup too");
    }

    @Test
    void aLimitTheHostLacksLeavesNothingBehind() {
        BulwarkException e = assertThrows(BulwarkException.class, () -> cgroups.place("c1", state, linux(null,
            new Resources(null, null, null, null, new BlockIo(300, null, null, null, null, null, null), null, null,
                null, null)), 4242));
        assertTrue(e.getMessage().contains("blockIO.weight"));
        assertFalse(fs.exists("memory/outer/job/bulwark/c1"));
        assertFalse(fs.exists("pids/bulwark"));
        assertFalse(Files.exists(state.resolve(ContainerCgroups.FILE)));
        assertTrue(fs.writes.stream().noneMatch(w -> w.contains("cgroup.procs")), "the init never joined");
    }

    @Test
    void removeIsSafeToRepeatAndAfterACrash() {
        cgroups.place("c1", state, linux("/custom/c1", null), 4242);
        initGone();
        cgroups.remove(state);
        assertFalse(fs.exists("pids/custom/c1"));
        assertFalse(Files.exists(state.resolve(ContainerCgroups.FILE)));
        cgroups.remove(state);
        // a crash after the location was recorded but before the cgroup was made
        ContainerCgroups.save(state, cgroups.require("c1", stateWith("c1")).location());
        cgroups.remove(state);
        assertEquals(List.of(), cgroups.processes(state));
    }

    /** The init has died: the fake kernel empties its cgroup in every hierarchy. */
    @Test
    void theLocationFileRoundTripsAndReadsWhatDataBindingWrote() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper databind = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.Map<String, String> dirs = new java.util.LinkedHashMap<>();
        dirs.put("memory", "memory/a \"b\"/c1");
        dirs.put("name=systemd", "systemd/bulwark/c1");
        for (CgroupLocation l : java.util.List.of(new CgroupLocation(CgroupVersion.V1, "bulwark/c1", dirs, true),
                new CgroupLocation(CgroupVersion.V2, "/x/y", java.util.Map.of("", "x/y"), false))) {
            byte[] ours = ContainerCgroups.encode(l);
            assertEquals(databind.readTree(databind.writeValueAsBytes(l)), databind.readTree(ours));
            assertEquals(l, ContainerCgroups.decode(ours));
            assertEquals(l, ContainerCgroups.decode(databind.writeValueAsBytes(l)));
        }
        for (String bad : java.util.List.of("{\"version\":\"V3\",\"dirs\":{}}", "{\"dirs\":{}}",
                "{\"version\":\"V1\",\"dirs\":{\"a\":1}}", "{\"version\":\"V1\",\"dirs\":{},\"x\":1}", "[]")) {
            org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> ContainerCgroups.decode(bad.getBytes(java.nio.charset.StandardCharsets.UTF_8)), bad);
        }
    }

    private void initGone() {
        for (String dir : cgroups.require("c1", state).location().dirs().values()) {
            fs.put(dir + "/cgroup.procs", "");
        }
    }

    private Path stateWith(String id) {
        ContainerCgroups.save(state, CgroupLocation.resolve(CgroupEnvironment.detect(fs, new RecordingCgroupKernel(),
            HostLayouts.PROC_SELF_CGROUP), id, null));
        return state;
    }
}
