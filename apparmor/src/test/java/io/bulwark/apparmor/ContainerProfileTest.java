package io.bulwark.apparmor;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ContainerProfileTest {
    private static final Path PARSER = Path.of("/sbin/apparmor_parser");

    @Test
    void theDefaultProfileDeniesWhatAContainerMustNotDo() {
        String p = ContainerProfile.generate(ContainerProfile.DEFAULT_NAME);
        for (String rule : new String[] {"profile bulwark-default flags=(attach_disconnected,mediate_deleted) {",
            "deny mount,", "deny @{PROC}/sys/** wklx,", "deny @{PROC}/sysrq-trigger rwklx,",
            "deny /dev/{mem,kmem,port} rwklx,", "deny /sys/kernel/security/** rwklx,",
            "ptrace (trace,read,tracedby,readby) peer=bulwark-default,", "deny capability mac_admin,"}) {
            assertTrue(p.contains(rule), rule);
        }
        assertThrows(BulwarkException.class, () -> ContainerProfile.generate("bad name"));
        assertThrows(BulwarkException.class, () -> ContainerProfile.generate("x{y}"));
    }

    @Test
    void apparmorParserAcceptsTheGeneratedProfile() {
        Requirements.require(Files.isExecutable(PARSER), "apparmor_parser (Debian package apparmor)");
        HostAppArmor a = new HostAppArmor(new LinuxAppArmorHost(), PARSER.toString());
        assertNull(a.syntaxError(ContainerProfile.generate(ContainerProfile.DEFAULT_NAME)));
        assertNull(a.syntaxError(ContainerProfile.generate("tenant-a.web_1")));
    }

    @Test
    void apparmorParserRejectsABrokenProfile() {
        Requirements.require(Files.isExecutable(PARSER), "apparmor_parser (Debian package apparmor)");
        HostAppArmor a = new HostAppArmor(new LinuxAppArmorHost(), PARSER.toString());
        String broken = ContainerProfile.generate("x").replace("deny /dev/{mem,kmem,port} rwklx,", "deny /dev/mem qq,");
        String error = a.syntaxError(broken);
        assertNotNull(error, "the parser must reject an invalid rule");
        assertTrue(error.contains("syntax error"), error);
    }

    @Test
    void loadingIntoTheKernelWhereAppArmorIsEnabled() {
        HostAppArmor a = new HostAppArmor();
        Requirements.requireOptional(a.enabled(), "AppArmor (this kernel has none)");
        String name = "bulwark-test-" + ProcessHandle.current().pid();
        try {
            a.load(name, ContainerProfile.generate(name));
            assertTrue(a.loaded(name));
        } finally {
            new LinuxAppArmorHost().run(java.util.List.of(PARSER.toString(), "--remove"),
                ContainerProfile.generate(name));
        }
    }
}
