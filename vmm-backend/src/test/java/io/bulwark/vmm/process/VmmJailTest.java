package io.bulwark.vmm.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.testing.Requirements;
import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VMM's jail without KVM: its user, its launcher and the class path its user can read. */
class VmmJailTest {
    @TempDir
    Path tmp;

    @Test
    void theUserComesFromTheEnvironmentAndIsNeverRoot() {
        assertEquals(new VmmJail(VmmJail.DEFAULT_ID, VmmJail.DEFAULT_ID), VmmJail.fromEnvironment(null));
        assertEquals(new VmmJail(VmmJail.DEFAULT_ID, VmmJail.DEFAULT_ID), VmmJail.fromEnvironment(""));
        assertEquals(new VmmJail(70000, 70000), VmmJail.fromEnvironment("70000"));
        assertEquals(new VmmJail(70000, 70001), VmmJail.fromEnvironment("70000:70001"));
        for (String bad : List.of("0", "0:5", "5:0", "-1", "x", "1:2:3", "4294967295", "5:")) {
            BulwarkException e = assertThrows(BulwarkException.class, () -> VmmJail.fromEnvironment(bad), bad);
            assertTrue(e.getMessage().startsWith(VmmJail.USER_ENV), e.getMessage());
        }
    }

    @Test
    void theLauncherOpensTheFilesUnsharesAndDropsToTheUserBeforeTheJvm() {
        VmmJail jail = new VmmJail(70000, 70001);
        List<String> cmd = jail.launcher(Path.of("/k/bzImage"), null, true);
        assertEquals(List.of("/bin/sh", "-c", VmmJail.OPEN_FILES, "bulwark-vmm-launcher", "/dev/kvm", "/k/bzImage",
            "/dev/null", "unshare", "--net", "--ipc", "--uts", "--", "setpriv", "--reuid=70000", "--regid=70001",
            "--clear-groups", "--no-new-privs", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all",
            "--pdeathsig=KILL", "--"), cmd);
        assertFalse(jail.launcher(Path.of("/k"), Path.of("/i"), false).contains("--pdeathsig=KILL"));
        assertTrue(jail.launcher(Path.of("/k"), Path.of("/i"), false).contains("/i"));
    }

    private static Path jar(Path file, String classPath) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return file;
    }

    /**
     * A test runner's class path is a jar whose manifest names the rest, here in a directory only root can enter
     * (as ~/.m2 under /root): those are linked into the VMM's directory; what everyone can read stays where it is.
     */
    @Test
    void whatTheUserCannotReadIsStagedIntoTheVmmDirectory() throws Exception {
        Requirements.require(Requirements.isRoot(), "root (files owned by root that another user cannot read)");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path open = Files.createDirectories(tmp.resolve("open"));
        Path closed = Files.createDirectories(tmp.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Path hidden = jar(closed.resolve("hidden.jar"), null);
        Path visible = jar(open.resolve("visible.jar"), null);
        Path booter = jar(open.resolve("booter.jar"), hidden.toUri() + " visible.jar");
        Path vmmDir = Files.createDirectories(tmp.resolve("vmm"));
        VmmJail jail = new VmmJail(70000, 70000);
        // A world-readable temporary directory is not a given (JUnit makes them 0700): check its ancestors first.
        Requirements.require(jail.readable(open), "a world-searchable path to " + open);
        assertFalse(jail.readable(hidden));
        String cp = jail.classPath(booter + File.pathSeparator + open, vmmDir);
        List<String> entries = List.of(cp.split(File.pathSeparator));
        assertEquals(List.of(booter.toString(), vmmDir.resolve("lib/1-hidden.jar").toString(), visible.toString(),
            open.toString()), entries);
        assertTrue(Files.isSameFile(hidden, vmmDir.resolve("lib/1-hidden.jar")) || Files.mismatch(hidden,
            vmmDir.resolve("lib/1-hidden.jar")) == -1);
        assertTrue(jail.readable(vmmDir.resolve("lib/1-hidden.jar")));
        BulwarkException e = assertThrows(BulwarkException.class, () -> jail.classPath(closed.toString(), vmmDir));
        assertTrue(e.getMessage().contains("cannot read the class path directory " + closed), e.getMessage());
    }
}
