package io.bulwark.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.HugepageLimit;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.PidsResources;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.spec.Spec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceUpdateTest {
    private static MemoryResources memory(Long limit, Long swap) {
        return new MemoryResources(limit, null, swap, null, null, null, null, null, null);
    }

    private static Resources resources(MemoryResources m, CpuResources c, PidsResources p,
                                       List<HugepageLimit> huge, Map<String, String> unified) {
        return new Resources(null, m, c, p, null, huge, null, null, unified);
    }

    @Test
    void givenFieldsReplaceStoredOnesAndTheRestStays() {
        Resources current = resources(new MemoryResources(64L, 32L, 96L, null, null, 10L, true, null, null),
            new CpuResources(512L, 20000L, null, 100000L, null, null, "0", null, null), new PidsResources(40L),
            List.of(new HugepageLimit("2MB", 4L), new HugepageLimit("1GB", 0L)), Map.of("a", "1"));
        Resources change = resources(memory(48L, null),
            new CpuResources(null, 30000L, null, null, null, null, null, null, null), null,
            List.of(new HugepageLimit("2MB", 8L)), Map.of("b", "2"));
        Resources merged = ResourceUpdate.merge(current, change);
        assertEquals(new MemoryResources(48L, 32L, 96L, null, null, 10L, true, null, null), merged.memory());
        assertEquals(new CpuResources(512L, 30000L, null, 100000L, null, null, "0", null, null), merged.cpu());
        assertEquals(new PidsResources(40L), merged.pids());
        assertEquals(List.of(new HugepageLimit("2MB", 8L), new HugepageLimit("1GB", 0L)), merged.hugepageLimits());
        assertEquals(Map.of("a", "1", "b", "2"), merged.unified());
    }

    @Test
    void aContainerWithoutLimitsTakesTheUpdateWhole() {
        Resources change = resources(memory(1L, null), null, new PidsResources(5L), null, null);
        assertSame(change, ResourceUpdate.merge(null, change));
        Spec spec = new Spec("1.2.0", null, null, null, null, null, null, null, null);
        assertEquals(change, ResourceUpdate.apply(spec, change).linux().resources());
        Linux linux = new Linux(null, null, null, null, null, "/x", null, null, null, null, null, null, null, null);
        Spec withLinux = new Spec("1.2.0", null, null, null, null, null, null, null, linux);
        assertEquals("/x", ResourceUpdate.apply(withLinux, change).linux().cgroupsPath());
    }

    @Test
    void aLimitOrSwapGivenAlonePairsWithTheStoredOther() {
        Resources current = resources(memory(64L, 96L), null, null, null, null);
        assertEquals(memory(48L, 96L), ResourceUpdate.forCgroup(current, resources(memory(48L, null), null, null,
            null, null)).memory());
        assertEquals(memory(64L, 128L), ResourceUpdate.forCgroup(current, resources(memory(null, 128L), null, null,
            null, null)).memory());
        Resources both = resources(memory(10L, 20L), null, null, null, null);
        assertSame(both, ResourceUpdate.forCgroup(current, both));
        Resources noSwapStored = resources(memory(64L, null), null, null, null, null);
        Resources limitOnly = resources(memory(48L, null), null, null, null, null);
        assertNull(ResourceUpdate.forCgroup(noSwapStored, limitOnly).memory().swap());
    }
}
