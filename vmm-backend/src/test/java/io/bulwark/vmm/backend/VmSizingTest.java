package io.bulwark.vmm.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.Resources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VmSizingTest {
    static Resources resources(Long memory, Long quota, Long period, String cpus) {
        return new Resources(null, new MemoryResources(memory, null, null, null, null, null, null, null, null),
            new CpuResources(null, quota, null, period, null, null, cpus, null, null), null, null, null, null, null,
            null);
    }

    @Test
    void defaultsWithoutLimits() {
        assertEquals(new VmSizing(128, 1), VmSizing.of(VmBackendTest.spec(List.of("x"), Map.of(), null)));
    }

    @Test
    void resourcesSizeTheVm() {
        assertEquals(new VmSizing(512, 3), VmSizing.of(VmBackendTest.spec(List.of("x"), Map.of(),
            resources(512L << 20, 250_000L, 100_000L, null))));
        assertEquals(new VmSizing(64, 4), VmSizing.of(VmBackendTest.spec(List.of("x"), Map.of(),
            resources(1L << 20, null, null, "0-2,5"))));
        assertEquals(2, VmSizing.of(VmBackendTest.spec(List.of("x"), Map.of(),
            resources(null, 150_000L, null, null))).vcpus(), "period defaults to 100 ms");
    }

    @Test
    void annotationsWin() {
        assertEquals(new VmSizing(300, 2), VmSizing.of(VmBackendTest.spec(List.of("x"),
            Map.of(VmSizing.MEMORY_ANNOTATION, "300", VmSizing.VCPUS_ANNOTATION, "2"),
            resources(512L << 20, 400_000L, 100_000L, null))));
    }

    @Test
    void badValuesNameTheirPlace() {
        BulwarkException e = assertThrows(BulwarkException.class, () -> VmSizing.of(VmBackendTest.spec(List.of("x"),
            Map.of(VmSizing.VCPUS_ANNOTATION, "many"), null)));
        assertTrue(e.getMessage().contains("config.json: annotations[\"io.bulwark.vm.vcpus\"]"), e.getMessage());
        e = assertThrows(BulwarkException.class, () -> VmSizing.of(VmBackendTest.spec(List.of("x"),
            Map.of(VmSizing.MEMORY_ANNOTATION, "16"), null)));
        assertTrue(e.getMessage().contains("at least 64 MiB"), e.getMessage());
        e = assertThrows(BulwarkException.class, () -> VmSizing.of(VmBackendTest.spec(List.of("x"), Map.of(),
            resources(null, null, null, "a-b"))));
        assertTrue(e.getMessage().contains("linux.resources.cpu.cpus"), e.getMessage());
    }
}
