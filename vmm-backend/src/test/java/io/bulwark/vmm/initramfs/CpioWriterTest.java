package io.bulwark.vmm.initramfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.testing.Requirements;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpioWriterTest {
    record Entry(String name, int mode, int uid, int gid, byte[] data, int rdevMajor, int rdevMinor) {
    }

    /** An independent newc reader, written from the format description. */
    static List<Entry> parse(byte[] a) {
        List<Entry> entries = new ArrayList<>();
        int p = 0;
        while (true) {
            String h = new String(a, p, 110, StandardCharsets.US_ASCII);
            assertEquals("070701", h.substring(0, 6), "magic at " + p);
            long[] f = new long[13];
            for (int i = 0; i < 13; i++) {
                f[i] = Long.parseLong(h.substring(6 + 8 * i, 14 + 8 * i), 16);
            }
            int nameSize = (int) f[11];
            String name = new String(a, p + 110, nameSize - 1, StandardCharsets.UTF_8);
            assertEquals(0, a[p + 110 + nameSize - 1]);
            p = (p + 110 + nameSize + 3) & ~3;
            int size = (int) f[6];
            byte[] data = java.util.Arrays.copyOfRange(a, p, p + size);
            p = (p + size + 3) & ~3;
            if (name.equals("TRAILER!!!")) {
                assertEquals(a.length, p, "nothing after the trailer");
                return entries;
            }
            entries.add(new Entry(name, (int) f[1], (int) f[2], (int) f[3], data, (int) f[9], (int) f[10]));
        }
    }

    @Test
    void entriesAreWrittenInNewcFormatWithFourByteAlignment() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(buf)) {
            w.directory("bin", 0755);
            w.file("bin/hello", 0755, "#!/bin/sh\necho hi\n".getBytes());
            w.file("odd", 0600, 1000, 1001, new byte[] {1, 2, 3});
            w.symlink("sh", "bin/hello");
            w.node("console", CpioWriter.S_IFCHR, 0600, 5, 1);
        }
        byte[] a = buf.toByteArray();
        assertEquals(0, a.length % 4);
        List<Entry> e = parse(a);
        assertEquals(5, e.size());
        assertEquals("bin", e.get(0).name());
        assertEquals(040755, e.get(0).mode());
        assertEquals(0100755, e.get(1).mode());
        assertArrayEquals("#!/bin/sh\necho hi\n".getBytes(), e.get(1).data());
        assertEquals(1000, e.get(2).uid());
        assertEquals(1001, e.get(2).gid());
        assertEquals(0120777, e.get(3).mode());
        assertEquals("bin/hello", new String(e.get(3).data()));
        assertEquals(020600, e.get(4).mode());
        assertEquals(5, e.get(4).rdevMajor());
        assertEquals(1, e.get(4).rdevMinor());
    }

    @Test
    void absoluteNamesAreRefused() {
        CpioWriter w = new CpioWriter(new ByteArrayOutputStream());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> w.file("/etc/passwd", 0644, new byte[0]));
    }

    @Test
    void initramfsCopiesARootfsAndPlacesTheInitOverIt(@TempDir Path dir) throws Exception {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("usr/bin"));
        Files.writeString(rootfs.resolve("usr/bin/tool"), "tool");
        Files.setPosixFilePermissions(rootfs.resolve("usr/bin/tool"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(rootfs.resolve("bin"), Path.of("usr/bin"));
        Files.writeString(rootfs.resolve("init"), "old init");
        byte[] archive = Initramfs.build(rootfs, Map.of("init", new Initramfs.FileEntry(0755, "new init".getBytes()),
            ".bulwark/plan", new Initramfs.FileEntry(0400, new byte[] {9})));
        List<Entry> e = parse(archive);
        List<String> names = e.stream().map(Entry::name).toList();
        assertTrue(names.containsAll(List.of("usr", "usr/bin", "usr/bin/tool", "bin", "init", "dev", "proc", "sys",
            ".bulwark", ".bulwark/plan")), names.toString());
        assertEquals(1, names.stream().filter("init"::equals).count(), "the rootfs's own init is replaced");
        Entry tool = e.get(names.indexOf("usr/bin/tool"));
        assertEquals(0100750, tool.mode());
        assertEquals("usr/bin", new String(e.get(names.indexOf("bin")).data()));
        assertEquals("new init", new String(e.get(names.indexOf("init")).data()));
        assertEquals(0100755, e.get(names.indexOf("init")).mode());
    }

    @Test
    void theSystemCpioToolExtractsWhatWeWrite(@TempDir Path dir) throws Exception {
        Requirements.require(Files.isExecutable(Path.of("/usr/bin/cpio")), "cpio(1)");
        byte[] archive = Initramfs.build(List.of(), Map.of("etc/motd", new Initramfs.FileEntry(0644, "hello\n".getBytes()),
            "init", new Initramfs.FileEntry(0755, "x".getBytes())));
        Path file = dir.resolve("a.cpio");
        Files.write(file, archive);
        Path out = Files.createDirectories(dir.resolve("out"));
        Process p = new ProcessBuilder("cpio", "-id", "--quiet", "--no-absolute-filenames", "-F", file.toString())
            .directory(out.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        assertEquals("hello\n", Files.readString(out.resolve("etc/motd")));
        assertTrue(Files.isDirectory(out.resolve("proc")));
        assertTrue(Files.isExecutable(out.resolve("init")));
    }
}
