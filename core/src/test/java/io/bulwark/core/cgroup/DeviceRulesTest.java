package io.bulwark.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Device;
import io.bulwark.core.spec.DeviceRule;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceRulesTest {

    @Test
    void specRulesAreCanonicalisedAndBadOnesNamed() {
        List<DeviceAccess> rules = DeviceRules.fromSpec(List.of(new DeviceRule(true, null, null, null, "mwr")));
        assertEquals("a *:* rwm", rules.get(0).v1Line());
        BulwarkException e = assertThrows(BulwarkException.class,
            () -> DeviceRules.fromSpec(List.of(new DeviceRule(true, "c", 1L, 3L, "rx"))));
        assertTrue(e.getMessage().startsWith("linux.resources.devices[0]: "), e.getMessage());
        assertThrows(BulwarkException.class, () -> DeviceRules.fromSpec(List.of(new DeviceRule(true, "p", 1L, 3L,
            "r"))));
        assertThrows(BulwarkException.class, () -> DeviceRules.fromSpec(List.of(new DeviceRule(null, "c", 1L, 3L,
            "r"))));
    }

    @Test
    void effectiveRulesAllowConfigDevicesAndDefaults() {
        List<DeviceAccess> rules = DeviceRules.effective(List.of(new DeviceRule(false, null, null, null, "rwm")),
            List.of(new Device("c", "/dev/fuse", 10L, 229L, 0666, 0L, 0L)));
        assertEquals(DeviceRules.DENY_ALL, rules.get(0));
        assertTrue(DeviceRules.permits(rules, 'c', 10, 229, "rw"));
        assertTrue(DeviceRules.permits(rules, 'c', 1, 3, "rw"));
        assertFalse(DeviceRules.permits(rules, 'b', 8, 0, "r"));
    }

    @Test
    void aLaterDenyWinsOverAnEarlierAllowEvenForPartOfARequest() {
        List<DeviceAccess> rules = List.of(DeviceAccess.allow('c', 1, 3, "rw"),
            new DeviceAccess(false, 'c', 1, 3, "w"));
        assertTrue(DeviceRules.permits(rules, 'c', 1, 3, "r"));
        assertFalse(DeviceRules.permits(rules, 'c', 1, 3, "w"));
        assertFalse(DeviceRules.permits(rules, 'c', 1, 3, "rw"));
        byte[] program = DeviceFilter.compile(rules);
        assertEquals(0, BpfInterpreter.run(program, DeviceFilter.DEV_CHAR,
            DeviceFilter.ACC_READ | DeviceFilter.ACC_WRITE, 1, 3));
        assertEquals(1, BpfInterpreter.run(program, DeviceFilter.DEV_CHAR, DeviceFilter.ACC_READ, 1, 3));
    }

    @Test
    void aRuleThatMatchesEverythingEndsTheProgram() {
        List<DeviceAccess> rules = List.of(DeviceAccess.allow('c', 1, 3, "rw"),
            DeviceAccess.allow('a', DeviceAccess.WILDCARD, DeviceAccess.WILDCARD, "rwm"));
        // prologue (6) + the catch-all rule's block (2): the earlier rule is unreachable and left out
        assertEquals(8, DeviceFilter.instructions(rules).size());
    }
}
