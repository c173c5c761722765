package io.bulwark.vmm.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.plan.Plan;
import io.bulwark.core.plan.SeccompPlan;
import io.bulwark.core.plan.SpecConverter;
import io.bulwark.core.spec.DefaultSpec;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.testing.Requirements;
import io.bulwark.vmm.devices.DebugExit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest side end to end: the cached guest kernel with the initramfs and guest init that Bulwark builds, booted
 * by QEMU's microvm machine under software emulation (this machine's KVM cannot run a Linux guest kernel). The exit
 * status comes back through isa-debug-exit, which Bulwark's exit device mirrors.
 */
class GuestUnderQemuTest {
    static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    /** Under TCG the kernel would calibrate its clocks for a long time without these. */
    static final String TCG_CMDLINE = " tsc_early_khz=2000000 lpj=8000000";

    @TempDir
    static Path tmp;

    @BeforeAll
    static void needQemuKernelAndBusybox() {
        Requirements.require(Files.isExecutable(QEMU), "qemu-system-x86_64 (scripts/setup.sh installs it)");
        Requirements.require(GuestKernel.cached(),
            "the guest kernel in " + GuestKernel.cacheDir() + " (scripts/fetch-guest-kernel.sh fetches it)");
        Requirements.require(GuestRootfs.available(), "busybox-static");
    }

    record Boot(int status, String console) {
    }

    /**
     * The plan the linux backend would run for the secure default config with these arguments, with a seccomp
     * filter that allows everything (what matters here is that the guest installs it, not what it denies).
     */
    static Plan plan(Path bundle, List<String> args) {
        Spec d = DefaultSpec.create();
        io.bulwark.core.spec.Process p = d.process();
        io.bulwark.core.spec.Process process = new io.bulwark.core.spec.Process(false, null, p.user(), args, null, List.of("PATH=/bin", "HOME=/"), "/",
            p.capabilities(), p.rlimits(), true, null, null, null, null, null, null);
        Spec spec = new Spec(d.ociVersion(), process, d.root(), d.hostname(), d.domainname(), d.mounts(), d.hooks(),
            d.annotations(), d.linux());
        return SpecConverter.convert(spec, bundle, false, new SeccompPlan(0, ALLOW_ALL));
    }

    /** One classic-BPF instruction: BPF_RET | BPF_K, SECCOMP_RET_ALLOW (little-endian struct sock_filter). */
    static final byte[] ALLOW_ALL = {0x06, 0, 0, 0, 0, 0, (byte) 0xff, 0x7f};

    static Boot boot(String name, List<String> args) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Path rootfs = GuestRootfs.create(dir.resolve("rootfs"));
        Path initrd = dir.resolve("initramfs.cpio");
        Files.write(initrd, GuestImage.initramfs(rootfs, plan(dir, args)));
        List<String> cmd = new ArrayList<>(List.of(QEMU.toString(), "-M", "microvm,acpi=off", "-accel", "tcg",
            "-cpu", "qemu64", "-m", "256", "-nodefaults", "-no-user-config", "-nographic", "-serial", "stdio",
            "-monitor", "none", "-no-reboot", "-device", "isa-debug-exit,iobase=0x501,iosize=2",
            "-kernel", GuestKernel.bzImage().toString(), "-initrd", initrd.toString(),
            "-append", GuestKernel.CMDLINE + TCG_CMDLINE));
        Path log = dir.resolve("console.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        try {
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                throw new AssertionError("the guest did not end within 180 s:\n" + Files.readString(log));
            }
        } finally {
            p.destroyForcibly().waitFor();
        }
        String console = Files.readString(log, StandardCharsets.UTF_8).replace("\r\n", "\n");
        int code = p.exitValue();
        assertEquals(1, code & 1, "QEMU did not end through isa-debug-exit (exit " + code + "):\n" + console);
        return new Boot(DebugExit.statusFromQemuExitCode(code), console);
    }

    @Test
    void echoHelloComesOutAndUnameShowsTheGuestKernel() throws Exception {
        Boot b = boot("hello", List.of("sh", "-c", "echo hello; uname -r"));
        assertEquals(0, b.status(), b.console());
        assertTrue(b.console().contains("\nhello\n"), b.console());
        String release = GuestKernel.release();
        assertTrue(b.console().contains("\n" + release + "\n"), "guest release " + release + " in:\n" + b.console());
        String host = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        assertNotEquals(host, release, "the guest runs its own kernel, not the host's");
    }

    @Test
    void theWorkloadRunsConfinedByThePlan() throws Exception {
        Boot b = boot("confined", List.of("grep", "-E", "^(CapEff|NoNewPrivs|Seccomp):", "/proc/self/status"));
        assertEquals(0, b.status(), b.console());
        long caps = SpecConverter.capMask(DefaultSpec.CAPABILITIES, "test");
        assertTrue(b.console().contains(String.format("CapEff:\t%016x\n", caps)), b.console());
        assertTrue(b.console().contains("NoNewPrivs:\t1\n"), b.console());
        assertTrue(b.console().contains("Seccomp:\t2\n"), b.console());
    }

    @Test
    void exitCodesComeBackThroughTheExitDevice() throws Exception {
        assertEquals(1, boot("false", List.of("false")).status());
        Boot b42 = boot("exit42", List.of("sh", "-c", "exit 42"));
        assertEquals(42, b42.status(), b42.console());
    }

    @Test
    void aMissingProgramIsReportedWith127() throws Exception {
        Boot b = boot("missing", List.of("/bin/no-such-program"));
        assertEquals(127, b.status(), b.console());
        assertTrue(b.console().contains("exec \"/bin/no-such-program\""), b.console());
    }
}
