package io.bulwark.fuzz.vmm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.fuzz.json.JsonGen;
import io.bulwark.fuzz.plan.ShimRunner;
import io.bulwark.fuzz.support.FuzzProperty;
import io.bulwark.vmm.initramfs.CpioWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;

/**
 * The cpio "newc" writer that builds the guest's initramfs: what it writes reads back entry by entry (with an
 * independent reader here, and with GNU cpio where it is installed), every header and every data block starts on
 * a four-byte boundary, inodes are distinct, and the archive ends with the trailer.
 */
class CpioProperties {
    /** One entry as written and as read back. */
    record Entry(String name, int mode, int uid, int gid, byte[] data, int major, int minor) {
        @Override
        public String toString() {
            return name + " mode=" + Integer.toOctalString(mode) + " (" + data.length + " bytes)";
        }
    }

    @Provide
    Arbitrary<List<Entry>> archives() {
        return Arbitraries.randomValue(CpioProperties::entries);
    }

    static List<Entry> entries(Random r) {
        JsonGen gen = new JsonGen(r);
        List<Entry> out = new ArrayList<>();
        int n = r.nextInt(r.nextInt(10) == 0 ? 300 : 12);
        for (int i = 0; i < n; i++) {
            String name = name(gen);
            int kind = r.nextInt(5);
            int type = new int[] {CpioWriter.S_IFREG, CpioWriter.S_IFDIR, CpioWriter.S_IFLNK, CpioWriter.S_IFCHR,
                CpioWriter.S_IFIFO}[kind];
            byte[] data = new byte[0];
            if (type == CpioWriter.S_IFREG) {
                data = new byte[r.nextInt(10) == 0 ? r.nextInt(300_000) : r.nextInt(9)];
                r.nextBytes(data);
            } else if (type == CpioWriter.S_IFLNK) {
                data = name(gen).getBytes(StandardCharsets.UTF_8);
            }
            out.add(new Entry(name, type | r.nextInt(010000), r.nextInt(), r.nextInt(), data,
                type == CpioWriter.S_IFCHR ? r.nextInt(4096) : 0, type == CpioWriter.S_IFCHR ? r.nextInt(1 << 20) : 0));
        }
        return out;
    }

    /** A relative, NUL-free name of any other characters (including lengths that stress the padding). */
    static String name(JsonGen gen) {
        StringBuilder b = new StringBuilder();
        int parts = 1 + gen.below(4);
        for (int i = 0; i < parts; i++) {
            if (i > 0) {
                b.append('/');
            }
            String s = gen.chance(50) ? gen.ascii(1 + gen.below(12)) : gen.unicode(1 + gen.below(6));
            b.append(s.replace("\0", "").replace("/", "_"));
        }
        String name = b.toString();
        // Names without a UTF-8 form are not something a directory walk can produce; keep to encodable ones.
        name = new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        return name.isEmpty() || name.startsWith("/") ? "x" + name : name;
    }

    static byte[] write(List<Entry> entries) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(buf)) {
            for (Entry e : entries) {
                w.entry(e.name(), e.mode(), 1, e.uid(), e.gid(), e.data(), e.major(), e.minor());
            }
        }
        return buf.toByteArray();
    }

    @FuzzProperty(cases = 1500)
    void archivesReadBackEntryByEntry(@ForAll("archives") List<Entry> entries) throws IOException {
        byte[] archive = write(entries);
        List<Entry> read = new ArrayList<>();
        java.util.Set<Long> inodes = new java.util.HashSet<>();
        int at = 0;
        while (true) {
            assertEquals(0, at % 4, "header not aligned");
            assertTrue(at + 110 <= archive.length, "archive ends inside a header");
            String header = new String(archive, at, 110, StandardCharsets.US_ASCII);
            assertEquals(CpioWriter.MAGIC, header.substring(0, 6));
            long[] f = new long[13];
            for (int i = 0; i < 13; i++) {
                f[i] = Long.parseLong(header.substring(6 + 8 * i, 14 + 8 * i), 16);
            }
            int nameSize = (int) f[11];
            int size = (int) f[6];
            String name = new String(archive, at + 110, nameSize - 1, StandardCharsets.UTF_8);
            assertEquals(0, archive[at + 110 + nameSize - 1], "name not NUL-terminated");
            int data = align(at + 110 + nameSize);
            at = align(data + size);
            if (name.equals(CpioWriter.TRAILER)) {
                break;
            }
            assertTrue(inodes.add(f[0]), "inode reused");
            read.add(new Entry(name, (int) f[1], (int) f[2], (int) f[3],
                java.util.Arrays.copyOfRange(archive, data, data + size), (int) f[9], (int) f[10]));
        }
        assertEquals(archive.length, at, "bytes after the trailer");
        assertEquals(entries.size(), read.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry w = entries.get(i);
            Entry r = read.get(i);
            assertEquals(w.name(), r.name());
            assertEquals(w.mode(), r.mode());
            assertEquals(w.uid(), r.uid());
            assertEquals(w.gid(), r.gid());
            assertEquals(w.major(), r.major());
            assertEquals(w.minor(), r.minor());
            assertArrayEquals(w.data(), r.data(), w.name());
        }
    }

    /** GNU cpio, an independent reader, lists the same names (where cpio is installed). */
    @FuzzProperty(cases = 150)
    void gnuCpioListsTheSameNames(@ForAll("archives") List<Entry> entries) throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/cpio"))) {
            return;
        }
        ShimRunner.Run r = ShimRunner.run(List.of("/usr/bin/cpio", "-i", "--list", "--quiet", "--only-verify-crc"),
            write(entries), 30);
        assertEquals(0, r.exit(), r.err());
        // cpio prints each name raw on its own line.
        StringBuilder expected = new StringBuilder();
        entries.forEach(e -> expected.append(e.name()).append('\n'));
        assertEquals(expected.toString(), r.out());
    }

    private static int align(int v) {
        return (v + 3) & ~3;
    }
}
