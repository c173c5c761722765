package io.bulwark.fuzz.plan;

import io.bulwark.fuzz.support.Bytes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Damage to an encoded plan that knows the format's shape (16-byte header, then tag/length/value records):
 * cuts, bit flips, boundary values written over lengths and counts, records dropped, repeated, swapped or grown,
 * and usually a header fixed up to the new length so the damage gets past the first check.
 */
final class PlanMutator {
    private static final int HEADER = 16;
    private static final int[] EDGE_U32 = {0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff,
        0x80000000, 0xffffffff, 0xfffffffe, 4096, 4097, 65536, 65537, 1 << 20, (1 << 20) + 1};

    private final Random random;

    PlanMutator(Random random) {
        this.random = random;
    }

    byte[] mutate(byte[] plan) {
        byte[] out = plan;
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            out = once(out);
        }
        if (out.length >= HEADER && random.nextInt(100) < 80) {
            ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(8, out.length - HEADER);
        }
        return out;
    }

    /** {@code plan} cut to {@code length} bytes, with the header's body length fixed up or not. */
    static byte[] cut(byte[] plan, int length, boolean fixHeader) {
        byte[] out = java.util.Arrays.copyOf(plan, length);
        if (fixHeader && length >= HEADER) {
            ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(8, length - HEADER);
        }
        return out;
    }

    private byte[] once(byte[] in) {
        if (in.length == 0) {
            return new byte[] {(byte) random.nextInt()};
        }
        List<int[]> records = records(in);
        switch (random.nextInt(9)) {
            case 0:
                return cut(in, random.nextInt(in.length + 1), false);
            case 1: {
                byte[] out = in.clone();
                int at = random.nextInt(out.length);
                out[at] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 2: {
                byte[] out = in.clone();
                out[random.nextInt(out.length)] = (byte) new int[] {0, 1, 0x7f, 0x80, 0xff}[random.nextInt(5)];
                return out;
            }
            case 3: { // a boundary value over a length, a count or a number, preferably at a record start
                byte[] out = in.clone();
                int at;
                if (!records.isEmpty() && random.nextBoolean()) {
                    int[] r = records.get(random.nextInt(records.size()));
                    at = r[0] + 2 + 4 * random.nextInt(3);
                } else {
                    at = random.nextInt(Math.max(1, out.length - 3));
                }
                if (at + 4 <= out.length) {
                    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN)
                        .putInt(at, EDGE_U32[random.nextInt(EDGE_U32.length)]);
                }
                return out;
            }
            case 4: // drop a record
                if (!records.isEmpty()) {
                    int[] r = records.get(random.nextInt(records.size()));
                    return Bytes.splice(in, r[0], r[1], new byte[0]);
                }
                return in;
            case 5: // repeat a record
                if (!records.isEmpty()) {
                    int[] r = records.get(random.nextInt(records.size()));
                    return Bytes.splice(in, r[1], r[1], java.util.Arrays.copyOfRange(in, r[0], r[1]));
                }
                return in;
            case 6: // swap two records
                if (records.size() >= 2) {
                    int i = random.nextInt(records.size() - 1);
                    int[] a = records.get(i);
                    int[] b = records.get(i + 1);
                    byte[] out = in.clone();
                    int la = a[1] - a[0];
                    int lb = b[1] - b[0];
                    System.arraycopy(in, b[0], out, a[0], lb);
                    System.arraycopy(in, a[0], out, a[0] + lb, la);
                    return out;
                }
                return in;
            case 7: { // insert random bytes
                byte[] ins = new byte[1 + random.nextInt(16)];
                random.nextBytes(ins);
                int at = random.nextInt(in.length + 1);
                return Bytes.splice(in, at, at, ins);
            }
            default: { // grow a record's value and its length field together
                if (records.isEmpty()) {
                    return in;
                }
                int[] r = records.get(random.nextInt(records.size()));
                byte[] ins = new byte[1 + random.nextInt(8)];
                random.nextBytes(ins);
                byte[] out = Bytes.splice(in, r[1], r[1], ins);
                ByteBuffer bb = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
                bb.putInt(r[0] + 2, bb.getInt(r[0] + 2) + ins.length);
                return out;
            }
        }
    }

    /** [start, end) of each well-formed record, walking from the header as far as the lengths make sense. */
    static List<int[]> records(byte[] plan) {
        List<int[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(plan).order(ByteOrder.LITTLE_ENDIAN);
        int at = HEADER;
        while (at + 6 <= plan.length) {
            long len = b.getInt(at + 2) & 0xffffffffL;
            if (at + 6 + len > plan.length) {
                break;
            }
            out.add(new int[] {at, (int) (at + 6 + len)});
            at += 6 + (int) len;
        }
        return out;
    }
}
