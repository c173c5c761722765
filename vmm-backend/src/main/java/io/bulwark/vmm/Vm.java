package io.bulwark.vmm;

import io.bulwark.vmm.devices.Serial16550;
import io.bulwark.vmm.devices.VmControl;
import io.bulwark.vmm.kvm.Kvm;
import io.bulwark.vmm.kvm.Syscalls;
import io.bulwark.vmm.kvm.VmFd;
import io.bulwark.vmm.vcpu.VcpuExit;
import io.bulwark.vmm.vcpu.VcpuRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A built VM: start it, feed its console, wait for it to end or stop it, then close it to release everything. */
public final class Vm implements AutoCloseable, VmControl, VcpuRunner.Listener {
    private final Syscalls sys;
    private final Kvm kvm;
    private final VmFd vmFd;
    private final long[][] mappings;
    private final List<VcpuRunner> runners = new ArrayList<>();
    private final List<long[]> runPages = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private Serial16550 console;
    private volatile VmOutcome outcome;
    private final String name;
    private final Object outcomeLock = new Object();
    private final Object closeLock = new Object();
    private boolean closed;

    Vm(String name, Syscalls sys, Kvm kvm, VmFd vmFd, long[][] mappings) {
        this.name = name;
        this.sys = sys;
        this.kvm = kvm;
        this.vmFd = vmFd;
        this.mappings = mappings;
    }

    void addVcpu(VcpuRunner runner, long runPage, long runPageSize) {
        runners.add(runner);
        runPages.add(new long[] {runPage, runPageSize});
    }

    void setConsole(Serial16550 console) {
        this.console = console;
    }

    public Serial16550 console() {
        return console;
    }

    public int vcpuCount() {
        return runners.size();
    }

    /** Starts one thread per vCPU; returns once every vCPU can be stopped. */
    public void start() throws InterruptedException {
        for (VcpuRunner r : runners) {
            Thread t = new Thread(r, name + "-vcpu" + r.vcpu().id());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (VcpuRunner r : runners) {
            r.awaitReady();
        }
    }

    /**
     * Waits for the guest to end, at most {@code timeout} (null: forever). On timeout the VM is stopped and the
     * outcome says so, with the registers of every vCPU.
     */
    public VmOutcome awaitExit(Duration timeout) throws InterruptedException {
        boolean done = timeout == null ? awaitForever() : ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (!done) {
            finish(new VmOutcome(VmOutcome.Kind.TIMEOUT, -1,
                "the guest did not end within " + timeout.toMillis() / 1000.0 + " s", List.of()));
        }
        stopVcpus();
        VmOutcome o = outcome;
        if (o.kind() == VmOutcome.Kind.TIMEOUT || o.kind() == VmOutcome.Kind.KILLED) {
            List<String> dumps = new ArrayList<>();
            for (VcpuRunner r : runners) {
                dumps.add(dumpAfterStop(r));
            }
            o = new VmOutcome(o.kind(), o.status(), o.detail(), dumps);
            outcome = o;
        }
        return o;
    }

    private boolean awaitForever() throws InterruptedException {
        ended.await();
        return true;
    }

    private static String dumpAfterStop(VcpuRunner r) {
        try {
            return new VcpuExit(r.vcpu().id(), "", r.vcpu().regs(), r.vcpu().sregs()).registerDump();
        } catch (RuntimeException e) {
            return "vcpu " + r.vcpu().id() + ": registers unavailable (" + e.getMessage() + ")";
        }
    }

    /** Stops the VM from the host. */
    public void kill() {
        finish(new VmOutcome(VmOutcome.Kind.KILLED, -1, "the VM was killed", List.of()));
    }

    public VmOutcome outcome() {
        return outcome;
    }

    private void finish(VmOutcome o) {
        synchronized (outcomeLock) {
            if (outcome != null) {
                return;
            }
            outcome = o;
        }
        for (VcpuRunner r : runners) {
            r.kick();
        }
        ended.countDown();
    }

    private void stopVcpus() throws InterruptedException {
        for (VcpuRunner r : runners) {
            r.kick();
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    @Override
    public void guestExited(int status) {
        finish(new VmOutcome(VmOutcome.Kind.EXITED, status, "the guest exited with status " + status, List.of()));
    }

    @Override
    public void guestReset() {
        finish(new VmOutcome(VmOutcome.Kind.RESET, -1, "the guest reset the machine", List.of()));
    }

    @Override
    public void vcpuFailed(VcpuExit exit, boolean tripleFault) {
        VmOutcome.Kind kind = tripleFault ? VmOutcome.Kind.TRIPLE_FAULT : VmOutcome.Kind.UNHANDLED_EXIT;
        finish(new VmOutcome(kind, -1, "vcpu " + exit.vcpu() + ": " + exit.reason(), List.of(exit.registerDump())));
    }

    /** Stops every vCPU and releases the VM: threads, descriptors, mappings. */
    @Override
    public void close() throws InterruptedException {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        kill();
        stopVcpus();
        for (int i = 0; i < runners.size(); i++) {
            runners.get(i).vcpu().close();
            sys.munmap(runPages.get(i)[0], runPages.get(i)[1]);
        }
        vmFd.close();
        for (long[] m : mappings) {
            sys.munmap(m[0], m[1]);
        }
        kvm.close();
    }
}
