package io.bulwark.vmm.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Serial16550Test {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Boolean> irq = new ArrayList<>();
    private final Serial16550 uart = new Serial16550(out, irq::add);

    private long read(int reg) {
        return uart.read(reg, 1);
    }

    private void write(int reg, int v) {
        uart.write(reg, 1, v);
    }

    @Test
    void transmittedBytesReachTheHostAndTheTransmitterIsAlwaysEmpty() {
        for (byte b : "hi\n".getBytes()) {
            write(0, b);
        }
        assertEquals("hi\n", out.toString());
        assertEquals(0x60, read(5) & 0x61, "THRE and TEMT set, no data ready");
    }

    @Test
    void hostInputIsReadInOrderWithDataReady() {
        uart.queueInput("ab".getBytes());
        assertEquals(1, read(5) & 1);
        assertEquals('a', read(0));
        assertEquals('b', read(0));
        assertEquals(0, read(5) & 1);
        assertEquals(0, read(0), "empty receiver reads zero");
    }

    @Test
    void receiveInterruptFollowsIerOut2AndTheQueue() {
        write(1, 0x01); // IER: received data
        uart.queueInput("x".getBytes());
        assertEquals(List.of(), irq, "OUT2 clear: the line stays low");
        assertEquals(0x04, read(2));
        write(4, 0x08); // OUT2
        assertEquals(List.of(true), irq);
        read(0);
        assertEquals(List.of(true, false), irq);
        assertEquals(0x01, read(2), "no interrupt pending");
    }

    @Test
    void thrEmptyInterruptIsClearedByReadingIir() {
        write(4, 0x08);
        write(1, 0x02); // IER: THR empty
        assertEquals(List.of(true), irq);
        assertEquals(0x02, read(2));
        assertEquals(List.of(true, false), irq);
        assertEquals(0x01, read(2));
        write(0, 'z');
        assertEquals(List.of(true, false, true), irq);
    }

    @Test
    void fifoBitsDlabScratchAndLoopback() {
        write(2, 0x01);
        assertEquals(0xc1, read(2), "16550A with FIFOs enabled");
        write(3, 0x80); // DLAB
        write(0, 0x01);
        write(1, 0x00);
        assertEquals(0x01, read(0));
        write(3, 0x03);
        write(7, 0x5a);
        assertEquals(0x5a, read(7));
        assertEquals(0xb0, read(6), "a terminal is connected");
        write(4, 0x10 | 0x0f); // loopback with all modem outputs
        assertEquals(0xf0, read(6) & 0xf0);
        write(0, 'L');
        assertEquals("", out.toString(), "loopback keeps bytes inside the UART");
        assertEquals('L', read(0));
    }

    @Test
    void exitDeviceDecodesQemuStyleStatus() {
        List<Integer> statuses = new ArrayList<>();
        DebugExit exit = new DebugExit(new VmControl() {
            @Override
            public void guestExited(int status) {
                statuses.add(status);
            }

            @Override
            public void guestReset() {
            }
        });
        exit.write(0, 1, 42);
        assertEquals(List.of(42), statuses);
        assertEquals(42, DebugExit.statusFromQemuExitCode((42 << 1) | 1));
        assertEquals(0, DebugExit.statusFromQemuExitCode(1));
    }

    @Test
    void unclaimedPortsReadAllOnes() {
        IoBus bus = new IoBus();
        bus.register(0x3f8, 8, uart);
        assertEquals(0xff, bus.read(0x2f8, 1));
        assertEquals(0xffff, bus.read(0x80, 2));
        bus.write(0x3f8, 1, 'q');
        assertEquals("q", out.toString());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> bus.register(0x3fc, 2, uart));
    }
}
