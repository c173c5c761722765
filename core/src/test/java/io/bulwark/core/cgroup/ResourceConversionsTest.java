package io.bulwark.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ResourceConversionsTest {

    @Test
    void cpuSharesMapEndsAndDefault() {
        assertEquals(0, ResourceConversions.cpuSharesToWeight(0));
        assertEquals(1, ResourceConversions.cpuSharesToWeight(2));
        assertEquals(100, ResourceConversions.cpuSharesToWeight(1024));
        assertEquals(10000, ResourceConversions.cpuSharesToWeight(262144));
        assertEquals(10000, ResourceConversions.cpuSharesToWeight(1 << 20));
        assertEquals(1, ResourceConversions.cpuSharesToWeight(1));
    }

    @Property(tries = 300, seed = "3")
    boolean cpuWeightIsMonotoneAndInRange(@ForAll @LongRange(min = 2, max = 262143) long shares) {
        long w = ResourceConversions.cpuSharesToWeight(shares);
        long next = ResourceConversions.cpuSharesToWeight(shares + 1);
        return w >= 1 && w <= 10000 && next >= w;
    }

    @Test
    void blkioWeightToIoWeight() {
        assertEquals(0, ResourceConversions.blkioWeightToIoWeight(0));
        assertEquals(1, ResourceConversions.blkioWeightToIoWeight(10));
        assertEquals(10000, ResourceConversions.blkioWeightToIoWeight(1000));
        assertEquals(910, ResourceConversions.blkioWeightToIoWeight(100));
    }

    @Test
    void memorySwapBecomesSwapAlone() {
        assertEquals(32, ResourceConversions.memorySwapToV2(96, 64));
        assertEquals(0, ResourceConversions.memorySwapToV2(64, 64));
        assertEquals(-1, ResourceConversions.memorySwapToV2(-1, 64));
        assertEquals(-1, ResourceConversions.memorySwapToV2(0, -1));
        assertEquals(0, ResourceConversions.memorySwapToV2(0, 64));
        assertTrue(assertThrows(BulwarkException.class, () -> ResourceConversions.memorySwapToV2(32, 64))
            .getMessage().contains("at least"));
        assertTrue(assertThrows(BulwarkException.class, () -> ResourceConversions.memorySwapToV2(64, -1))
            .getMessage().contains("needs a memory limit"));
    }

    @Test
    void cpuMax() {
        assertEquals("20000 100000", ResourceConversions.cpuMax(20000L, 100000L));
        assertEquals("max 100000", ResourceConversions.cpuMax(-1L, 100000L));
        assertEquals("50000", ResourceConversions.cpuMax(50000L, null));
        assertEquals("max", ResourceConversions.v2Limit(-1));
    }
}
