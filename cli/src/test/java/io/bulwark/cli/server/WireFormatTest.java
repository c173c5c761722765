package io.bulwark.cli.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bulwark.core.BulwarkException;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class WireFormatTest {
    @Test
    void requestRoundTrips() {
        WireFormat.Request r = new WireFormat.Request(List.of("--root", "/run/x", "run", "id-1"),
            List.of("PATH=/bin", "LANG=C.UTF-8"), "/srv/bundle");
        byte[] wire = WireFormat.encode(r);
        int n = WireFormat.payloadLength(wire);
        assertEquals(wire.length - WireFormat.HEADER, n);
        assertEquals(r, WireFormat.decode(Arrays.copyOfRange(wire, WireFormat.HEADER, wire.length)));
    }

    @Test
    void framesCarryTheirValue() {
        assertArrayEquals(new byte[] {'X', 7, 0, 0, 0}, WireFormat.frame(WireFormat.EXIT, 7));
        assertEquals(15, WireFormat.frameValue(WireFormat.frame(WireFormat.SIGNAL, 15), WireFormat.SIGNAL));
        assertThrows(BulwarkException.class, () -> WireFormat.frameValue(WireFormat.frame(WireFormat.EXIT, 1),
            WireFormat.SIGNAL));
    }

    @Test
    void badHeadersAreRefused() {
        assertThrows(BulwarkException.class, () -> WireFormat.payloadLength(new byte[] {'B', 'W', 'K', '2', 0, 0, 0, 0}));
        assertThrows(BulwarkException.class, () -> WireFormat.payloadLength(new byte[] {'B', 'W', 'K', '1', -1, -1, -1, 127}));
        assertThrows(BulwarkException.class, () -> WireFormat.payloadLength(new byte[] {'B', 'W'}));
    }

    @Test
    void truncatedAndOversizedPayloadsAreRefused() {
        byte[] wire = WireFormat.encode(new WireFormat.Request(List.of("state", "x"), List.of(), "/"));
        byte[] payload = Arrays.copyOfRange(wire, WireFormat.HEADER, wire.length);
        for (int cut = 0; cut < payload.length; cut++) {
            byte[] part = Arrays.copyOf(payload, cut);
            assertThrows(BulwarkException.class, () -> WireFormat.decode(part), "cut at " + cut);
        }
        byte[] longer = Arrays.copyOf(payload, payload.length + 1);
        assertThrows(BulwarkException.class, () -> WireFormat.decode(longer));
        byte[] manyArgs = {(byte) 0xff, (byte) 0xff, 0x7f, 0};
        assertThrows(BulwarkException.class, () -> WireFormat.decode(manyArgs));
    }

    @Property(tries = 300)
    void anyRequestRoundTrips(@ForAll("strings") List<String> argv, @ForAll("strings") List<String> env,
                              @ForAll("string") String cwd) {
        WireFormat.Request r = new WireFormat.Request(argv, env, cwd);
        byte[] wire = WireFormat.encode(r);
        assertEquals(r, WireFormat.decode(Arrays.copyOfRange(wire, WireFormat.HEADER,
            WireFormat.HEADER + WireFormat.payloadLength(wire))));
    }

    @Property(tries = 500)
    void arbitraryBytesFailOnlyWithAClearError(@ForAll byte[] payload) {
        try {
            WireFormat.decode(payload);
        } catch (BulwarkException expected) {
            // the only failure a malformed request may cause
        }
    }

    @Provide
    Arbitrary<List<String>> strings() {
        return string().list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> string() {
        return Arbitraries.strings().ofMaxLength(40).excludeChars('\uFFFE', '\uFFFF')
            .filter(s -> s.codePoints().noneMatch(c -> Character.isSurrogate((char) c)));
    }
}
