package io.bulwark.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spi.AppArmor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostAppArmorTest {
    private static final String SRC = "config.json";
    private static final String PATH = "$.process.apparmorProfile";

    @Test
    void detectionNeedsTheModuleFlagAndSecurityfs() {
        RecordingHost h = new RecordingHost();
        assertFalse(new HostAppArmor(h, "apparmor_parser").enabled());
        h.files.put(HostAppArmor.ENABLED, "N\n");
        h.files.put(HostAppArmor.SECURITYFS, "");
        assertFalse(new HostAppArmor(h, "apparmor_parser").enabled());
        h.files.put(HostAppArmor.ENABLED, "Y\n");
        assertTrue(new HostAppArmor(h, "apparmor_parser").enabled());
        h.files.remove(HostAppArmor.SECURITYFS);
        assertFalse(new HostAppArmor(h, "apparmor_parser").enabled());
    }

    @Test
    void detectionOnThisHostMatchesTheFiles() throws Exception {
        String flag = Files.exists(HostAppArmor.ENABLED) ? Files.readString(HostAppArmor.ENABLED).trim() : "";
        boolean expected = flag.startsWith("Y") && Files.exists(HostAppArmor.SECURITYFS);
        assertEquals(expected, new HostAppArmor().enabled());
        assertTrue(AppArmor.load().isPresent(), "the service is registered");
    }

    @Test
    void requestedProfileWithoutAppArmorFailsClosed() {
        HostAppArmor a = new HostAppArmor(new RecordingHost(), "apparmor_parser");
        BulwarkException e = assertThrows(BulwarkException.class, () -> a.resolveProfile("my-profile", false, SRC, PATH));
        assertEquals("config.json: $.process.apparmorProfile: requests AppArmor profile \"my-profile\" but AppArmor is "
            + "not enabled on this host (/sys/module/apparmor/parameters/enabled)", e.getMessage());
    }

    @Test
    void optionalAppArmorIsDroppedWhenAbsent() {
        HostAppArmor a = new HostAppArmor(new RecordingHost(), "apparmor_parser");
        assertNull(a.resolveProfile("my-profile", true, SRC, PATH));
        assertNull(a.resolveProfile(null, false, SRC, PATH));
        assertNull(a.resolveProfile("unconfined", false, SRC, PATH));
    }

    @Test
    void withoutARequestTheDefaultIsLoadedOnceAndUsed() {
        RecordingHost h = new RecordingHost().withAppArmor();
        HostAppArmor a = new HostAppArmor(h, "/sbin/apparmor_parser");
        assertEquals("bulwark-default", a.resolveProfile(null, false, SRC, PATH));
        assertEquals(List.of("run /sbin/apparmor_parser --replace --skip-cache"), h.calls);
        assertEquals(ContainerProfile.generate("bulwark-default"), h.stdins.get(0));
        h.files.put(HostAppArmor.PROFILES, "bulwark-default (enforce)\n");
        assertEquals("bulwark-default", a.resolveProfile("bulwark-default", false, SRC, PATH));
        assertEquals(1, h.calls.size(), "already loaded: not loaded again");
    }

    @Test
    void aFailingParserIsAClearError() {
        RecordingHost h = new RecordingHost().withAppArmor();
        h.nextResult = new AppArmorHost.CommandResult(1, "AppArmor parser error: permission denied\n");
        BulwarkException e = assertThrows(BulwarkException.class, () ->
            new HostAppArmor(h, "apparmor_parser").resolveProfile(null, false, SRC, PATH));
        assertEquals("apparmor_parser could not load profile bulwark-default: AppArmor parser error: permission denied",
            e.getMessage());
    }

    @Test
    void aRequestedProfileMustBeLoaded() {
        RecordingHost h = new RecordingHost().withAppArmor("tenant-a", "tenant-b//child");
        HostAppArmor a = new HostAppArmor(h, "apparmor_parser");
        assertEquals("tenant-a", a.resolveProfile("tenant-a", false, SRC, PATH));
        assertEquals("unconfined", a.resolveProfile("unconfined", false, SRC, PATH));
        BulwarkException e = assertThrows(BulwarkException.class, () -> a.resolveProfile("tenant", true, SRC, PATH));
        assertTrue(e.getMessage().contains("\"tenant\" is not loaded"), e.getMessage());
        assertTrue(h.calls.isEmpty());
    }

    @Test
    void applyWritesExecToTheAppArmorAttributeOrTheLegacyOne() {
        RecordingHost h = new RecordingHost();
        h.files.put(ExecProfile.APPARMOR_EXEC, "");
        h.files.put(ExecProfile.LEGACY_EXEC, "");
        new ExecProfile(h).apply("bulwark-default");
        assertEquals(List.of("write /proc/self/attr/apparmor/exec exec bulwark-default"), h.calls);

        RecordingHost old = new RecordingHost();
        old.files.put(ExecProfile.LEGACY_EXEC, "");
        new ExecProfile(old).apply("p1");
        assertEquals(List.of("write /proc/self/attr/exec exec p1"), old.calls);
    }

    @Test
    void applyReportsAMissingProfile() {
        RecordingHost h = new RecordingHost();
        h.files.put(ExecProfile.APPARMOR_EXEC, "");
        h.writeErrors.put(ExecProfile.APPARMOR_EXEC, 2);
        BulwarkException e = assertThrows(BulwarkException.class, () -> new ExecProfile(h).apply("nope"));
        assertEquals(2, e.errno());
        assertTrue(e.getMessage().contains("not loaded"), e.getMessage());
        assertEquals(List.of("write /proc/self/attr/apparmor/exec exec nope"), h.calls, "no fallback after ENOENT");
        assertThrows(BulwarkException.class, () -> ExecProfile.command("a\nb"));
    }

    @Test
    void applyOnThisHostFailsWithoutAppArmor() {
        org.junit.jupiter.api.Assumptions.assumeFalse(new HostAppArmor().enabled(), "AppArmor is enabled here");
        // Writing to the real attribute files changes nothing without AppArmor: the kernel refuses.
        assertThrows(BulwarkException.class, () -> new ExecProfile(new LinuxAppArmorHost()).apply("bulwark-default"));
    }
}
