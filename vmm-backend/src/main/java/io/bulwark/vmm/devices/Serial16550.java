package io.bulwark.vmm.devices;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;

/**
 * A 16550A UART on eight consecutive ports: the guest console. Transmitted bytes go straight to the host output
 * (the transmitter is always empty); bytes the host queues become receive data. The interrupt line follows the
 * highest-priority pending interrupt enabled in IER, gated by MCR OUT2 as on a PC.
 */
public final class Serial16550 implements PortDevice {
    static final int DATA = 0;
    static final int IER = 1;
    static final int IIR_FCR = 2;
    static final int LCR = 3;
    static final int MCR = 4;
    static final int LSR = 5;
    static final int MSR = 6;
    static final int SCR = 7;

    static final int IER_RDA = 0x01;
    static final int IER_THRE = 0x02;
    static final int IIR_NONE = 0x01;
    static final int IIR_THRE = 0x02;
    static final int IIR_RDA = 0x04;
    static final int IIR_FIFO_ENABLED = 0xc0;
    static final int LCR_DLAB = 0x80;
    static final int LSR_DATA_READY = 0x01;
    static final int LSR_THR_EMPTY = 0x20;
    static final int LSR_IDLE = 0x40;
    static final int MCR_DTR = 0x01;
    static final int MCR_RTS = 0x02;
    static final int MCR_OUT1 = 0x04;
    static final int MCR_OUT2 = 0x08;
    static final int MCR_LOOP = 0x10;
    /** Carrier detect, data set ready, clear to send: a terminal is connected. */
    static final int MSR_CONNECTED = 0xb0;
    /** Host input the guest has not read yet is bounded; the excess is dropped as a real UART overruns. */
    static final int INPUT_LIMIT = 64 * 1024;

    private final OutputStream out;
    private final InterruptLine irq;
    private final ArrayDeque<Byte> input = new ArrayDeque<>();
    private int ier;
    private int lcr = 0x03;
    private int mcr;
    private int scr;
    private int dll = 0x0c; // 9600 baud
    private int dlm;
    private boolean fifoEnabled;
    private boolean thrInterrupt;
    private boolean lineAsserted;

    public Serial16550(OutputStream out, InterruptLine irq) {
        this.out = out;
        this.irq = irq;
    }

    /** Queues bytes from the host for the guest to read. Returns how many were accepted. */
    public synchronized int queueInput(byte[] bytes) {
        int accepted = 0;
        for (byte b : bytes) {
            if (input.size() >= INPUT_LIMIT) {
                break;
            }
            input.add(b);
            accepted++;
        }
        updateInterrupt();
        return accepted;
    }

    @Override
    public synchronized long read(int offset, int size) {
        switch (offset) {
            case DATA:
                if ((lcr & LCR_DLAB) != 0) {
                    return dll;
                }
                Byte b = input.poll();
                updateInterrupt();
                return b == null ? 0 : b & 0xff;
            case IER:
                return (lcr & LCR_DLAB) != 0 ? dlm : ier;
            case IIR_FCR:
                int iir = interruptIdentification();
                if (iir == IIR_THRE) {
                    thrInterrupt = false; // reading IIR clears a THR-empty interrupt
                    updateInterrupt();
                }
                return iir | (fifoEnabled ? IIR_FIFO_ENABLED : 0);
            case LCR:
                return lcr;
            case MCR:
                return mcr;
            case LSR:
                return LSR_THR_EMPTY | LSR_IDLE | (input.isEmpty() ? 0 : LSR_DATA_READY);
            case MSR:
                if ((mcr & MCR_LOOP) != 0) { // loopback: modem outputs wired to modem inputs
                    return ((mcr & MCR_RTS) << 3) | ((mcr & MCR_DTR) << 5) | ((mcr & MCR_OUT1) << 4)
                        | ((mcr & MCR_OUT2) << 4);
                }
                return MSR_CONNECTED;
            case SCR:
                return scr;
            default:
                return 0xff;
        }
    }

    @Override
    public synchronized void write(int offset, int size, long value) {
        int v = (int) (value & 0xff);
        switch (offset) {
            case DATA:
                if ((lcr & LCR_DLAB) != 0) {
                    dll = v;
                    return;
                }
                if ((mcr & MCR_LOOP) != 0) {
                    if (input.size() < INPUT_LIMIT) {
                        input.add((byte) v);
                    }
                } else {
                    emit(v);
                }
                thrInterrupt = true; // the byte left at once: the holding register is empty again
                updateInterrupt();
                return;
            case IER:
                if ((lcr & LCR_DLAB) != 0) {
                    dlm = v;
                    return;
                }
                boolean thrNewlyEnabled = (v & IER_THRE) != 0 && (ier & IER_THRE) == 0;
                ier = v & 0x0f;
                if (thrNewlyEnabled) {
                    thrInterrupt = true;
                }
                updateInterrupt();
                return;
            case IIR_FCR:
                fifoEnabled = (v & 0x01) != 0;
                if ((v & 0x02) != 0) {
                    input.clear();
                }
                updateInterrupt();
                return;
            case LCR:
                lcr = v;
                return;
            case MCR:
                mcr = v & 0x1f;
                updateInterrupt();
                return;
            case SCR:
                scr = v;
                return;
            default:
                // LSR and MSR are read-only
        }
    }

    private void emit(int v) {
        try {
            out.write(v);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("console output", e);
        }
    }

    /** The highest-priority pending interrupt that IER enables (without the FIFO bits). */
    private int interruptIdentification() {
        if ((ier & IER_RDA) != 0 && !input.isEmpty()) {
            return IIR_RDA;
        }
        if ((ier & IER_THRE) != 0 && thrInterrupt) {
            return IIR_THRE;
        }
        return IIR_NONE;
    }

    private void updateInterrupt() {
        boolean assert_ = interruptIdentification() != IIR_NONE && (mcr & MCR_OUT2) != 0;
        if (assert_ != lineAsserted) {
            lineAsserted = assert_;
            irq.set(assert_);
        }
    }
}
