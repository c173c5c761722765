package io.bulwark.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Record 30 (wall_clock): what Java writes, what the shim reads back, and what both refuse. */
class WallClockPlanTest {
    @Test
    void anInitPlanCarriesItsLimitToTheShim() {
        Plan p = PlanSamples.full().withWallClockLimit(4_294_967_295L);
        ShimCheck.Result r = ShimCheck.check(PlanEncoder.encode(p));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().endsWith("\nwall_clock seconds=4294967295\n"), r.out());
        assertEquals(PlanDump.render(p), r.out());
    }

    @Test
    void javaRefusesALimitOutsideAnInitPlanOrOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> PlanSamples.minimalExec().withWallClockLimit(5L));
        assertThrows(IllegalArgumentException.class, () -> PlanSamples.full().withWallClockLimit(0L));
        assertThrows(IllegalArgumentException.class, () -> PlanSamples.full().withWallClockLimit(1L << 32));
    }

    @Test
    void theShimRefusesALimitOutsideAnInitPlanOrOfZero() {
        byte[] exec = withRecord(PlanEncoder.encode(PlanSamples.minimalExec()), 5);
        ShimCheck.Result r = ShimCheck.check(exec);
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("a wall-clock limit in a plan that is not an init plan"), r.err());
        ShimCheck.Result zero = ShimCheck.check(withRecord(PlanEncoder.encode(PlanSamples.full()), 0));
        assertEquals(2, zero.exit(), zero.err());
        assertTrue(zero.err().contains("wall-clock limit of 0 seconds"), zero.err());
    }

    /** The plan with a wall_clock record appended (the highest tag, so the order stays ascending). */
    private static byte[] withRecord(byte[] plan, int seconds) {
        byte[] out = Arrays.copyOf(plan, plan.length + 10);
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(plan.length, (short) PlanFormat.TAG_WALL_CLOCK).putInt(plan.length + 2, 4).putInt(plan.length + 6, seconds);
        b.putInt(8, out.length - PlanFormat.HEADER_SIZE);
        return out;
    }
}
