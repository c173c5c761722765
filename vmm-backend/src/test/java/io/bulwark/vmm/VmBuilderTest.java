package io.bulwark.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.vmm.kvm.RecordingSyscalls;
import io.bulwark.vmm.testkernel.TestKernel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input fails before any kernel call; with a recording double nothing reaches KVM. */
class VmBuilderTest {
    @Test
    void aBadKernelFailsBeforeOpeningKvm() {
        RecordingSyscalls sys = new RecordingSyscalls();
        BulwarkException e = assertThrows(BulwarkException.class,
            () -> new VmBuilder(sys).kernel("/tmp/not-a-kernel", new byte[4096]).build());
        assertTrue(e.getMessage().startsWith("/tmp/not-a-kernel: not a bootable x86-64 bzImage"), e.getMessage());
        assertEquals(List.of(), sys.calls);
    }

    @Test
    void anInitrdThatDoesNotFitIsRefused() {
        RecordingSyscalls sys = new RecordingSyscalls();
        BulwarkException e = assertThrows(BulwarkException.class, () -> new VmBuilder(sys)
            .kernel("k", TestKernel.exitWith(0)).memoryMib(16).initrd(new byte[16 << 20]).build());
        assertTrue(e.getMessage().contains("initrd"), e.getMessage());
        assertEquals(List.of(), sys.calls);
    }

    @Test
    void aCommandLineLongerThanTheKernelAcceptsIsRefused() {
        RecordingSyscalls sys = new RecordingSyscalls();
        BulwarkException e = assertThrows(BulwarkException.class, () -> new VmBuilder(sys)
            .kernel("k", TestKernel.exitWith(0)).cmdline("x".repeat(TestKernel.CMDLINE_SIZE + 1)).build());
        assertTrue(e.getMessage().contains("at most " + TestKernel.CMDLINE_SIZE), e.getMessage());
    }

    @Test
    void limitsOnMemoryAndVcpus() {
        assertThrows(BulwarkException.class, () -> new VmBuilder(new RecordingSyscalls()).memoryMib(1));
        assertThrows(BulwarkException.class, () -> new VmBuilder(new RecordingSyscalls()).vcpus(0));
        assertThrows(BulwarkException.class, () -> new VmBuilder(new RecordingSyscalls()).vcpus(1000));
    }

    @Test
    void aMissingKvmIsReportedByName() {
        RecordingSyscalls sys = new RecordingSyscalls();
        BulwarkException e = assertThrows(BulwarkException.class,
            () -> new VmBuilder(sys).kernel("k", TestKernel.exitWith(0)).build());
        assertTrue(e.getMessage().contains("/dev/kvm"), e.getMessage());
        assertEquals(List.of("open /dev/kvm"), sys.calls);
    }
}
