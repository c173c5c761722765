package io.bulwark.vmm.vcpu;

import io.bulwark.vmm.devices.IoBus;
import io.bulwark.vmm.devices.MmioBus;
import io.bulwark.vmm.kvm.KvmIoctls;
import io.bulwark.vmm.kvm.KvmRun;
import io.bulwark.vmm.kvm.Regs;
import io.bulwark.vmm.kvm.Sregs;
import io.bulwark.vmm.kvm.Syscalls;
import io.bulwark.vmm.kvm.VcpuFd;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * One vCPU's thread: KVM_RUN in a loop, dispatching port and MMIO exits to the buses. To stop it from another
 * thread ({@link #kick}) the VMM sends it a real-time signal that the thread keeps blocked except while in KVM_RUN
 * (KVM_SET_SIGNAL_MASK), so the signal interrupts guest execution with EINTR and is never delivered to a handler.
 */
public final class VcpuRunner implements Runnable {
    /** SIGRTMIN+6 as the kernel numbers it; glibc keeps 32 and 33, the JVM uses none of the real-time signals. */
    public static final int KICK_SIGNAL = 40;
    private static final long KICK_MASK = 1L << (KICK_SIGNAL - 1);
    private static final int SIG_BLOCK = 0;

    /** What the runner reports to its VM. */
    public interface Listener {
        /** The vCPU hit something that ends the VM (triple fault, an unhandled exit, a failed ioctl). */
        void vcpuFailed(VcpuExit exit, boolean tripleFault);
    }

    private final Syscalls sys;
    private final VcpuFd vcpu;
    private final KvmRun run;
    private final IoBus io;
    private final MmioBus mmio;
    private final Listener listener;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Object kickLock = new Object();
    private volatile boolean stop;
    private int tid;
    private boolean kickable;
    private boolean kicked;
    private long exits;

    public VcpuRunner(Syscalls sys, VcpuFd vcpu, KvmRun run, IoBus io, MmioBus mmio, Listener listener) {
        this.sys = sys;
        this.vcpu = vcpu;
        this.run = run;
        this.io = io;
        this.mmio = mmio;
        this.listener = listener;
    }

    public VcpuFd vcpu() {
        return vcpu;
    }

    /** Exits handled so far (port I/O and MMIO). */
    public long exits() {
        return exits;
    }

    @Override
    public void run() {
        try {
            long oldMask = sys.sigprocmask(SIG_BLOCK, KICK_MASK);
            vcpu.setSignalMask(oldMask & ~KICK_MASK);
            synchronized (kickLock) {
                tid = sys.gettid();
                kickable = true;
            }
            ready.countDown();
            loop();
        } catch (RuntimeException e) {
            if (!stop) {
                listener.vcpuFailed(new VcpuExit(vcpu.id(), e.getMessage(), null, null), false);
            }
        } finally {
            boolean drain;
            synchronized (kickLock) {
                drain = kickable;
                kickable = false; // from here on the tid may be reused: never signal it again
            }
            if (drain) {
                // The JVM resets the thread's signal mask as the thread ends: a kick still pending would then be
                // delivered with its default action (terminate the process), so take it out first.
                while (sys.sigtimedwaitNow(KICK_MASK) > 0) {
                    // real-time signals queue: take every instance
                }
            }
            ready.countDown();
        }
    }

    private void loop() {
        while (!stop) {
            run.clearExitReason();
            long r = vcpu.run();
            if (r < 0) {
                int errno = (int) -r;
                if (errno == Syscalls.EINTR) {
                    sys.sigtimedwaitNow(KICK_MASK); // consume the kick so the next KVM_RUN can run
                    continue;
                }
                if (errno == Syscalls.EAGAIN) {
                    continue; // an application processor left wait-for-SIPI
                }
                fail("KVM_RUN failed: " + sys.strerror(errno), false);
                return;
            }
            int reason = run.exitReason();
            switch (reason) {
                case KvmIoctls.EXIT_IO -> handleIo();
                case KvmIoctls.EXIT_MMIO -> handleMmio();
                case KvmIoctls.EXIT_INTR -> {
                }
                case KvmRun.NO_EXIT -> {
                    // An application processor's KVM_RUN can return without an exit while it moves through
                    // INIT and SIPI: run it again.
                }
                case KvmIoctls.EXIT_SHUTDOWN -> {
                    fail("triple fault (KVM_EXIT_SHUTDOWN)", true);
                    return;
                }
                default -> {
                    fail("unhandled " + KvmIoctls.exitName(reason) + String.format(" (detail %#x)", run.detail()),
                        false);
                    return;
                }
            }
        }
    }

    private void handleIo() {
        exits++;
        int port = run.ioPort();
        int size = run.ioSize();
        int count = run.ioCount();
        if (run.ioDirection() == KvmRun.IO_OUT) {
            for (int i = 0; i < count; i++) {
                io.write(port, size, run.ioData(i));
            }
        } else {
            for (int i = 0; i < count; i++) {
                run.setIoData(i, io.read(port, size));
            }
        }
    }

    private void handleMmio() {
        exits++;
        long address = run.mmioAddress();
        int len = run.mmioLength();
        if (run.mmioIsWrite()) {
            long mask = len >= 8 ? -1L : (1L << (8 * len)) - 1;
            mmio.write(address, len, run.mmioData() & mask);
        } else {
            run.setMmioData(mmio.read(address, len));
        }
    }

    private void fail(String reason, boolean tripleFault) {
        Regs regs = null;
        Sregs sregs = null;
        try {
            regs = vcpu.regs();
            sregs = vcpu.sregs();
        } catch (RuntimeException ignored) {
            // the dump is best effort; the reason still goes out
        }
        listener.vcpuFailed(new VcpuExit(vcpu.id(), reason, regs, sregs), tripleFault);
    }

    /** Asks the thread to leave KVM_RUN and end. Safe from any thread, any number of times. */
    public void kick() {
        stop = true;
        synchronized (kickLock) {
            if (kickable && !kicked) {
                kicked = true; // one kick is enough: the flag keeps the thread out of KVM_RUN from now on
                sys.tgkill(tid, KICK_SIGNAL);
            }
        }
    }

    /** Waits until the thread has set its signal mask (or ended), so that kicks reach it. */
    public void awaitReady() throws InterruptedException {
        ready.await();
    }
}
