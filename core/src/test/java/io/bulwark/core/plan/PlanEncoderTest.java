package io.bulwark.core.plan;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PlanEncoderTest {

    @Test
    void headerCarriesMagicVersionKindAndBodyLength() {
        byte[] b = PlanEncoder.encode(PlanSamples.full());
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(PlanFormat.MAGIC, h.getInt());
        assertEquals(PlanFormat.VERSION, h.getShort());
        assertEquals(Plan.Kind.INIT.code, h.getShort());
        assertEquals(b.length - PlanFormat.HEADER_SIZE, h.getInt());
        assertEquals(0, h.getInt());
    }

    @Test
    void encodingIsDeterministic() {
        assertArrayEquals(PlanEncoder.encode(PlanSamples.full()), PlanEncoder.encode(PlanSamples.full()));
    }

    @Test
    void shimDecodesWhatJavaEncodes() {
        for (Plan p : new Plan[] {PlanSamples.full(), PlanSamples.minimalExec()}) {
            ShimCheck.Result r = ShimCheck.check(PlanEncoder.encode(p));
            assertEquals(0, r.exit(), r.err());
            assertEquals(PlanDump.render(p), r.out());
        }
    }

    @Test
    void shimRejectsEveryTruncation() {
        byte[] b = PlanEncoder.encode(PlanSamples.full());
        for (int len = 0; len < b.length; len += Math.max(1, len / 16)) {
            ShimCheck.Result r = ShimCheck.check(Arrays.copyOf(b, len));
            assertEquals(2, r.exit(), "prefix of " + len + " bytes: " + r.err());
            assertTrue(r.err().startsWith("invalid plan: "), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void shimRejectsCorruptHeaderAndRecords() {
        byte[] good = PlanEncoder.encode(PlanSamples.full());
        assertRejected(set(good, 0, (byte) 'X'), "bad magic");
        assertRejected(set(good, 4, (byte) 9), "unsupported plan version 9");
        assertRejected(set(good, 6, (byte) 7), "unknown plan kind 7");
        assertRejected(set(good, 12, (byte) 1), "reserved header field");
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertRejected(longer, "body bytes");
        // First record (ns_new) tag set to an unknown value.
        assertRejected(set(good, 16, (byte) 0x7f), "unknown record tag");
        // Swap order: make the first record's tag larger than the next one's.
        assertRejected(set(good, 16, (byte) 5), "tags must ascend");
    }

    @Test
    void encoderRefusesNulInStrings() {
        Plan p = PlanSamples.full();
        ProcessPlan bad = new ProcessPlan(null, java.util.List.of("a\0b"), java.util.List.of(), null, null, null,
            java.util.List.of(), false, null, false, null, null);
        Plan q = Plan.joining(Plan.Kind.EXEC, p.joins(), bad, new FdPlan(3, -1, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> PlanEncoder.encode(q));
    }

    private static byte[] set(byte[] b, int at, byte v) {
        byte[] c = b.clone();
        c[at] = v;
        return c;
    }

    private static void assertRejected(byte[] plan, String reason) {
        ShimCheck.Result r = ShimCheck.check(plan);
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains(reason), "expected '" + reason + "' in: " + r.err());
    }
}
