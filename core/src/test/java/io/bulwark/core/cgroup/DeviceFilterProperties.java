package io.bulwark.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The compiled eBPF filter decides every access exactly as the rule list says. */
class DeviceFilterProperties {

    @Provide
    Arbitrary<DeviceAccess> rules() {
        Arbitrary<Boolean> allow = Arbitraries.of(true, false);
        Arbitrary<Character> type = Arbitraries.of('a', 'b', 'c');
        Arbitrary<Long> number = Arbitraries.oneOf(Arbitraries.just(DeviceAccess.WILDCARD),
            Arbitraries.longs().between(0, 4), Arbitraries.longs().between(0, 1 << 20));
        Arbitrary<String> access = Arbitraries.of("r", "w", "m", "rw", "rm", "wm", "rwm");
        return Combinators.combine(allow, type, number, number, access).as(DeviceAccess::new);
    }

    @Property(tries = 500, seed = "42")
    boolean programAgreesWithTheRules(@ForAll("ruleLists") List<DeviceAccess> rules,
                                      @ForAll("requests") int[] request) {
        byte[] program = DeviceFilter.compile(rules);
        char type = request[0] == DeviceFilter.DEV_BLOCK ? 'b' : 'c';
        String access = (request[1] & DeviceFilter.ACC_READ) != 0 ? "r" : "";
        access += (request[1] & DeviceFilter.ACC_WRITE) != 0 ? "w" : "";
        access += (request[1] & DeviceFilter.ACC_MKNOD) != 0 ? "m" : "";
        boolean expected = DeviceRules.permits(rules, type, request[2], request[3], access);
        return (BpfInterpreter.run(program, request[0], request[1], request[2], request[3]) == 1) == expected;
    }

    @Provide
    Arbitrary<List<DeviceAccess>> ruleLists() {
        return rules().list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<int[]> requests() {
        return Combinators.combine(Arbitraries.of(DeviceFilter.DEV_BLOCK, DeviceFilter.DEV_CHAR),
            Arbitraries.integers().between(1, 7), Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, 4)).as((t, a, ma, mi) -> new int[] {t, a, ma, mi});
    }

    @Property(tries = 50, seed = "7")
    void defaultRulesAllowTheStandardNodesAndNothingElse(@ForAll("requests") int[] request) {
        List<DeviceAccess> rules = DeviceRules.effective(null, null);
        byte[] program = DeviceFilter.compile(rules);
        assertEquals(1, BpfInterpreter.run(program, DeviceFilter.DEV_CHAR, DeviceFilter.ACC_READ
            | DeviceFilter.ACC_WRITE, 1, 3)); // /dev/null rw
        assertEquals(0, BpfInterpreter.run(program, DeviceFilter.DEV_BLOCK, DeviceFilter.ACC_READ, 8, 0)); // sda
        assertEquals(1, BpfInterpreter.run(program, DeviceFilter.DEV_BLOCK, DeviceFilter.ACC_MKNOD, 8, 0));
        assertEquals(0, BpfInterpreter.run(program, DeviceFilter.DEV_CHAR, DeviceFilter.ACC_READ, 10, 229)); // fuse
        assertEquals(1, BpfInterpreter.run(program, DeviceFilter.DEV_CHAR, DeviceFilter.ACC_READ, 136, 7)); // pts
    }
}
