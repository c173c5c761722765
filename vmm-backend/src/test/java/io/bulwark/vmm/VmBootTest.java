package io.bulwark.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.testing.Requirements;
import io.bulwark.vmm.boot.E820Entry;
import io.bulwark.vmm.kvm.Kvm;
import io.bulwark.vmm.memory.GuestLayout;
import io.bulwark.vmm.testkernel.ConsoleCapture;
import io.bulwark.vmm.testkernel.TestKernel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Boots test kernels with Bulwark's VMM on the real /dev/kvm. */
class VmBootTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @BeforeEach
    void needKvm() {
        Requirements.require(Kvm.available(), "/dev/kvm");
    }

    private static String hex(long v) {
        return String.format("%016x", v);
    }

    @Test
    void exitStatusComesBackThroughTheExitDevice() throws Exception {
        for (int status : new int[] {0, 1, 42}) {
            try (Vm vm = new VmBuilder().kernel("exit", TestKernel.exitWith(status)).build()) {
                vm.start();
                VmOutcome o = vm.awaitExit(LIMIT);
                assertEquals(VmOutcome.Kind.EXITED, o.kind(), o.describe());
                assertEquals(status, o.status());
                assertEquals(status, o.exitCode());
            }
        }
    }

    @Test
    void kernelSeesWhatTheBootProtocolPromises() throws Exception {
        ConsoleCapture out = new ConsoleCapture();
        byte[] initrd = new byte[300_000];
        new Random(7).nextBytes(initrd);
        String cmdline = "console=ttyS0 reboot=k panic=1 bulwark.test=\"a b\"";
        long memoryMib = 64;
        try (Vm vm = new VmBuilder().kernel("checks", TestKernel.bootChecks(0)).initrd(initrd).cmdline(cmdline)
                .memoryMib(memoryMib).console(out).build()) {
            vm.start();
            VmOutcome o = vm.awaitExit(LIMIT);
            String text = out.text();
            assertEquals(VmOutcome.Kind.EXITED, o.kind(), o.describe() + "\n" + text);
            assertEquals(0, o.status(), "in-guest check failed:\n" + text);
            assertTrue(text.contains("boot_params=" + hex(GuestLayout.ZERO_PAGE)), text);
            assertTrue(text.contains("header: ok"), text);
            List<E820Entry> e820 = E820Entry.forMemory(memoryMib * GuestLayout.MIB);
            assertTrue(text.contains("e820 entries=" + hex(e820.size())), text);
            for (E820Entry e : e820) {
                assertTrue(text.contains("e820: " + hex(e.address()) + " " + hex(e.size()) + " " + hex(e.type())),
                    "missing " + e + " in\n" + text);
            }
            assertTrue(text.contains("cmdline=[" + cmdline + "]"), text);
            long top = memoryMib * GuestLayout.MIB;
            long expectedInitrd = (top - initrd.length) & ~0xfffL;
            assertTrue(text.contains("initrd: " + hex(expectedInitrd) + " " + hex(initrd.length) + " "
                + hex(TestKernel.byteSum(initrd))), text);
            assertTrue(text.contains("cr3=" + hex(GuestLayout.PML4)), text);
            assertTrue(text.contains("paging: first GiB identity-mapped"), text);
            assertTrue(text.contains("cs=" + hex(0x10) + " ds=" + hex(0x18)), text);
            assertTrue(text.contains("gdt[cs]=00af9b000000ffff gdt[ds]=00cf93000000ffff"), text);
            assertTrue(text.contains("all checks passed"), text);
        }
    }

    @Test
    void everyVcpuReportsIn() throws Exception {
        for (int cpus : new int[] {1, 3}) {
            ConsoleCapture out = new ConsoleCapture();
            try (Vm vm = new VmBuilder().kernel("smp", TestKernel.smp()).vcpus(cpus).console(out).build()) {
                vm.start();
                VmOutcome o = vm.awaitExit(LIMIT);
                String text = out.text();
                assertEquals(VmOutcome.Kind.EXITED, o.kind(), o.describe() + "\n" + text);
                assertEquals(0, o.status(), text);
                assertTrue(text.contains("mptable cpus=" + hex(cpus)), text);
                for (int id = 1; id < cpus; id++) {
                    assertTrue(text.contains("cpu " + id + " up"), text);
                }
                assertTrue(text.contains("smp: all cpus up, count=" + hex(cpus)), text);
            }
        }
    }

    @Test
    void timeoutStopsAGuestThatLoopsForever() throws Exception {
        ConsoleCapture out = new ConsoleCapture();
        try (Vm vm = new VmBuilder().kernel("spin", TestKernel.spinForever()).vcpus(2).console(out).build()) {
            vm.start();
            long t0 = System.nanoTime();
            VmOutcome o = vm.awaitExit(Duration.ofSeconds(2));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(VmOutcome.Kind.TIMEOUT, o.kind(), o.describe());
            assertEquals(124, o.exitCode());
            assertTrue(ms >= 2000 && ms < 20_000, "stopped after " + ms + " ms");
            assertTrue(out.text().contains("spinning"), out.text());
            assertEquals(2, o.registers().size(), o.describe());
            assertTrue(o.registers().get(0).contains("rip=00000000001"), o.describe());
        }
    }

    @Test
    void killStopsARunningGuest() throws Exception {
        ConsoleCapture out = new ConsoleCapture();
        try (Vm vm = new VmBuilder().kernel("spin", TestKernel.spinForever()).console(out).build()) {
            vm.start();
            assertTrue(out.await("spinning", 30, TimeUnit.SECONDS), out.text());
            vm.kill();
            VmOutcome o = vm.awaitExit(Duration.ofSeconds(30));
            assertEquals(VmOutcome.Kind.KILLED, o.kind(), o.describe());
            assertEquals(137, o.exitCode());
        }
    }

    @Test
    void twoVmsRunAtOnce() throws Exception {
        ConsoleCapture outA = new ConsoleCapture();
        ConsoleCapture outB = new ConsoleCapture();
        try (Vm a = new VmBuilder().name("a").kernel("spin", TestKernel.spinForever()).console(outA).build();
             Vm b = new VmBuilder().name("b").kernel("checks", TestKernel.bootChecks(7)).console(outB).build()) {
            a.start();
            assertTrue(outA.await("spinning", 30, TimeUnit.SECONDS));
            b.start();
            VmOutcome ob = b.awaitExit(LIMIT);
            assertEquals(VmOutcome.Kind.EXITED, ob.kind(), ob.describe() + outB.text());
            assertEquals(7, ob.status(), outB.text());
            assertEquals(null, a.outcome(), "the first VM still runs while the second finished");
            a.kill();
            assertEquals(VmOutcome.Kind.KILLED, a.awaitExit(LIMIT).kind());
            assertFalse(outA.text().contains("bulwark test kernel"), "consoles are separate");
        }
    }

    @Test
    void inputReachesTheGuestThroughTheUart() throws Exception {
        ConsoleCapture out = new ConsoleCapture();
        try (Vm vm = new VmBuilder().kernel("echo", TestKernel.echo()).console(out).build()) {
            vm.start();
            assertTrue(out.await("ready\n", 30, TimeUnit.SECONDS), out.text());
            vm.console().queueInput("hello from the host\n".getBytes(StandardCharsets.US_ASCII));
            VmOutcome o = vm.awaitExit(LIMIT);
            String text = out.text();
            assertEquals(VmOutcome.Kind.EXITED, o.kind(), o.describe() + "\n" + text);
            assertEquals(0, o.status());
            assertTrue(text.contains("ready\nhello from the host\n"), text);
            // The last byte raised "received data available" in IIR and IRQ 4 at the interrupt controller.
            assertTrue(text.contains("iir=" + hex(0x04)), text);
            String irr = text.substring(text.indexOf("irr=") + 4, text.indexOf("irr=") + 20);
            assertTrue((Long.parseLong(irr, 16) & (1 << GuestLayout.COM1_IRQ)) != 0, "IRQ 4 not raised: " + text);
        }
    }

    @Test
    void tripleFaultEndsTheVmWithRegisters() throws Exception {
        try (Vm vm = new VmBuilder().kernel("fault", TestKernel.tripleFault()).build()) {
            vm.start();
            VmOutcome o = vm.awaitExit(LIMIT);
            assertTrue(o.kind() == VmOutcome.Kind.TRIPLE_FAULT || o.kind() == VmOutcome.Kind.UNHANDLED_EXIT,
                o.describe());
            assertTrue(o.exitCode() == 125 || o.exitCode() == 126);
            assertTrue(o.describe().contains("rip="), o.describe());
        }
    }

    @Test
    void nothingIsLeftBehind() throws Exception {
        long fdsBefore = openDescriptors();
        for (int i = 0; i < 3; i++) {
            try (Vm vm = new VmBuilder().name("leak" + i).kernel("spin", TestKernel.spinForever()).vcpus(2).build()) {
                vm.start();
                vm.awaitExit(Duration.ofMillis(300));
            }
        }
        assertEquals(fdsBefore, openDescriptors(), "descriptors leaked");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("leak")),
            "vCPU threads left running");
        String maps = Files.readString(Path.of("/proc/self/maps"));
        assertFalse(maps.contains("anon_inode:kvm-vcpu"), "kvm_run pages left mapped");
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
