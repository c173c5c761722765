package io.bulwark.fuzz.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.fuzz.json.JsonGen;
import io.bulwark.fuzz.plan.ShimRunner;
import io.bulwark.fuzz.support.FuzzProperty;
import io.bulwark.fuzz.support.TempFiles;
import io.bulwark.vmm.initramfs.Initramfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;

/**
 * The initramfs built from a bundle's rootfs (which the tenant controls): every file reaches the archive under its
 * own name, as GNU cpio reads it back, and a name that cannot travel unchanged is refused rather than renamed.
 */
class InitramfsProperties {
    private static final TempFiles FILES = new TempFiles("bulwark-fuzz-initramfs");

    @FuzzProperty(cases = 60)
    void everyFileArrivesUnderItsOwnName(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        JsonGen gen = new JsonGen(random);
        Path root = FILES.dir().resolve("rootfs-" + Long.toHexString(seed));
        Files.createDirectories(root);
        TreeSet<String> expected = new TreeSet<>();
        for (int i = random.nextInt(30); i >= 0; i--) {
            String name = CpioProperties.name(gen).replace("\n", "_");
            Path p = root.resolve(name);
            try {
                Files.createDirectories(p.getParent());
                if (!Files.exists(p)) {
                    Files.write(p, new byte[random.nextInt(100)]);
                }
            } catch (IOException | java.nio.file.InvalidPathException e) {
                continue; // a component exists as a file, or the name is too long for the filesystem
            }
        }
        try (var walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).forEach(p -> expected.add(root.relativize(p).toString()));
        }
        byte[] archive = Initramfs.build(root, Map.of());
        ShimRunner.Run r = ShimRunner.run(List.of("/usr/bin/cpio", "-i", "--list", "--quiet"), archive, 30);
        assertEquals(0, r.exit(), r.err());
        TreeSet<String> listed = new TreeSet<>(List.of(r.out().split("\n")));
        assertTrue(listed.containsAll(expected), () -> "missing from the archive: " + diff(expected, listed));
        TempFiles.delete(root);
    }

    /** Found by fuzzing: a file named with bytes that are not UTF-8 was archived as U+FFFD, i.e. renamed. */
    @Example
    void aNameThatIsNotUtf8IsRefusedNotRenamed() throws Exception {
        Path root = FILES.dir().resolve("not-utf8");
        Files.createDirectories(root.resolve("bin"));
        ShimRunner.Run made = ShimRunner.run(List.of("sh", "-c", "printf x > \"$1/bin/$(printf '\\377\\376')\"", "sh",
            root.toString()), new byte[0], 10);
        assertEquals(0, made.exit(), made.err());
        BulwarkException e = assertThrows(BulwarkException.class, () -> Initramfs.build(root, Map.of()));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    private static String diff(TreeSet<String> expected, TreeSet<String> listed) {
        TreeSet<String> missing = new TreeSet<>(expected);
        missing.removeAll(listed);
        return missing.toString();
    }
}
