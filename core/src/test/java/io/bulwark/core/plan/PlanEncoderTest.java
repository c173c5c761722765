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
        for (Plan p : new Plan[] {PlanSamples.full(), PlanSamples.minimalExec(), PlanSamples.guest()}) {
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
    void aGuestPlanCarriesItsIdMapsAndNoDescriptors() {
        String dump = ShimCheck.check(PlanEncoder.encode(PlanSamples.guest())).out();
        assertTrue(dump.startsWith("plan version=1 kind=guest\n"), dump);
        assertTrue(dump.contains("\nid_maps uid=0:100000:65536 gid=0:100000:1000,1000:4000000000:294967296\n"), dump);
        assertFalse(dump.contains("\nfds "), dump);
    }

    @Test
    void shimRejectsGuestPlansThatBreakTheirRules() {
        byte[] guest = PlanEncoder.encode(PlanSamples.guest());
        byte[] init = PlanEncoder.encode(PlanSamples.full());
        byte[] mapsRecord = Arrays.copyOfRange(guest, lastRecord(guest), guest.length);
        // An init plan seen as a guest plan: it has descriptors (and joins, a terminal, create hooks).
        assertRejected(set(init, 6, (byte) Plan.Kind.GUEST.code), "guest plan has an fds record");
        // A guest plan seen as an init plan: no fds record; with one, id maps are still not an init plan's.
        assertRejected(set(guest, 6, (byte) Plan.Kind.INIT.code), "plan has no fds record");
        assertRejected(append(init, mapsRecord), "id maps in a plan that is not a guest plan");
        // The same guest plan without its id maps record: a user namespace nobody could map.
        byte[] noMaps = Arrays.copyOf(guest, lastRecord(guest));
        setBodyLength(noMaps);
        assertRejected(noMaps, "creates a user namespace without id maps");
        // An empty map and a range past 2^32.
        byte[] empty = guest.clone();
        int maps = lastRecord(guest) + 6;
        empty[maps] = 0;
        assertRejected(empty, "bad uid_map line count 0");
        byte[] past = guest.clone();
        Arrays.fill(past, maps + 8, maps + 12, (byte) 0xff); // uid line 0: host ids 0xffffffff + 65536 pass 2^32
        assertRejected(past, "bad uid_map line 0");
    }

    @Test
    void encoderRefusesNulInStrings() {
        Plan p = PlanSamples.full();
        ProcessPlan bad = new ProcessPlan(null, java.util.List.of("a\0b"), java.util.List.of(), null, null, null,
            java.util.List.of(), false, null, false, null, null);
        Plan q = Plan.joining(Plan.Kind.EXEC, p.joins(), bad, new FdPlan(3, -1, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> PlanEncoder.encode(q));
    }

    /** Offset of the last record of a plan (its tag). */
    private static int lastRecord(byte[] plan) {
        ByteBuffer b = ByteBuffer.wrap(plan).order(ByteOrder.LITTLE_ENDIAN);
        int at = PlanFormat.HEADER_SIZE;
        int last = at;
        while (at < plan.length) {
            last = at;
            at += 6 + b.getInt(at + 2);
        }
        return last;
    }

    private static byte[] append(byte[] plan, byte[] record) {
        byte[] out = Arrays.copyOf(plan, plan.length + record.length);
        System.arraycopy(record, 0, out, plan.length, record.length);
        setBodyLength(out);
        return out;
    }

    private static void setBodyLength(byte[] plan) {
        ByteBuffer.wrap(plan).order(ByteOrder.LITTLE_ENDIAN).putInt(8, plan.length - PlanFormat.HEADER_SIZE);
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
