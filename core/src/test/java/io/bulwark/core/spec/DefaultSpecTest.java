package io.bulwark.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultSpecTest {

    @Test
    void isValid() {
        assertEquals(List.of(), SpecValidator.problems(DefaultSpec.create(), "default"));
        assertEquals(List.of(), SpecValidator.problems(DefaultSpec.rootless(1000, 1000), "rootless"));
    }

    @Test
    void createsEveryNamespaceAndMapsRootToAnUnprivilegedRange() {
        Spec spec = DefaultSpec.create();
        Set<String> types = spec.linux().namespaces().stream().map(Namespace::type).collect(Collectors.toSet());
        assertEquals(Set.of("pid", "network", "ipc", "uts", "mount", "cgroup", "user"), types);
        assertTrue(spec.linux().namespaces().stream().allMatch(ns -> ns.path() == null), "all are new");
        IdMapping uid = spec.linux().uidMappings().get(0);
        assertEquals(new IdMapping(0L, 100_000L, 65_536L), uid);
        assertEquals(spec.linux().uidMappings(), spec.linux().gidMappings());
    }

    @Test
    void keepsOnlyRuncsThreeCapabilitiesAndNoNewPrivileges() {
        Process p = DefaultSpec.create().process();
        List<String> three = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
        assertEquals(three, p.capabilities().bounding());
        assertEquals(three, p.capabilities().effective());
        assertEquals(three, p.capabilities().permitted());
        assertNull(p.capabilities().inheritable());
        assertNull(p.capabilities().ambient());
        assertTrue(p.noNewPrivileges());
        assertEquals(List.of(new Rlimit("RLIMIT_NOFILE", 1024L, 1024L)), p.rlimits());
        assertEquals(List.of("sh"), p.args());
        assertTrue(p.terminal());
        assertEquals("/", p.cwd());
        assertTrue(p.env().stream().anyMatch(e -> e.startsWith("PATH=")));
        assertTrue(p.env().contains("TERM=xterm"));
    }

    @Test
    void readOnlyRootMaskedAndReadOnlyPathsHostname() {
        Spec spec = DefaultSpec.create();
        assertEquals(new Root("rootfs", true), spec.root());
        assertEquals("bulwark", spec.hostname());
        assertTrue(spec.linux().maskedPaths().containsAll(List.of("/proc/kcore", "/proc/keys", "/proc/timer_list",
            "/proc/sched_debug", "/sys/firmware", "/proc/acpi", "/proc/scsi")));
        assertEquals(List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"),
            spec.linux().readonlyPaths());
        List<String> destinations = spec.mounts().stream().map(Mount::destination).toList();
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys"), destinations);
        Mount sys = spec.mounts().get(5);
        assertEquals("sysfs", sys.type());
        assertTrue(sys.options().contains("ro"));
    }

    @Test
    void rootlessMapsTheCallerAndBindsSys() {
        Spec spec = DefaultSpec.rootless(1234, 2345);
        assertEquals(List.of(new IdMapping(0L, 1234L, 1L)), spec.linux().uidMappings());
        assertEquals(List.of(new IdMapping(0L, 2345L, 1L)), spec.linux().gidMappings());
        Set<String> types = spec.linux().namespaces().stream().map(Namespace::type).collect(Collectors.toSet());
        assertFalse(types.contains("network"));
        Mount sys = spec.mounts().stream().filter(m -> m.destination().equals("/sys")).findFirst().orElseThrow();
        assertEquals(List.of("rbind", "nosuid", "noexec", "nodev", "ro"), sys.options());
        Mount pts = spec.mounts().stream().filter(m -> m.destination().equals("/dev/pts")).findFirst().orElseThrow();
        assertFalse(pts.options().contains("gid=5"));
    }

    @Test
    void writesPrettyJsonWithoutNullsAndRoundTrips(@TempDir Path dir) throws Exception {
        String json = SpecWriter.toJson(DefaultSpec.create());
        assertFalse(json.contains("null"), json);
        assertTrue(json.contains("\n  \"ociVersion\" : \"1.2.0\""), json);
        assertTrue(json.indexOf("\"ociVersion\"") < json.indexOf("\"process\""), "spec field order");
        Path file = dir.resolve("config.json");
        SpecWriter.write(DefaultSpec.create(), file, false);
        assertEquals(DefaultSpec.create(), SpecParser.load(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        BulwarkException e = assertThrows(BulwarkException.class,
            () -> SpecWriter.write(DefaultSpec.create(), file, false));
        assertTrue(e.getMessage().contains("already exists"));
        SpecWriter.write(DefaultSpec.rootless(1, 1), file, true);
        assertEquals(DefaultSpec.rootless(1, 1), SpecParser.load(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void theFullExampleRoundTrips() {
        Spec spec = SpecParser.load(SpecFixtures.fullConfig(), "full");
        assertEquals(spec, SpecParser.load(SpecWriter.toJson(spec), "again"));
    }
}
