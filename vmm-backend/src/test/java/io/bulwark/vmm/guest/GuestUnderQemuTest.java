package io.bulwark.vmm.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.backend.CreateRequest;
import io.bulwark.core.plan.LinuxConstants;
import io.bulwark.core.plan.Plan;
import io.bulwark.core.plan.SpecConverter;
import io.bulwark.core.spec.DefaultSpec;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spi.SeccompCompiler;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.core.testing.Requirements;
import io.bulwark.vmm.backend.VmBackend;
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
 * The guest side end to end: the cached guest kernel with the initramfs, guest plan and guest init that the vm
 * backend builds for the secure default config (user namespace with its id maps, every other namespace,
 * pivot_root into the bundle's rootfs, masked and read-only paths, read-only root, default capabilities,
 * no_new_privs and the default seccomp profile), booted by QEMU's microvm machine under software emulation (this
 * machine's KVM cannot run a Linux guest kernel). The exit status comes back through isa-debug-exit, which
 * Bulwark's exit device mirrors. Each boot takes seconds, so one boot checks everything seen from inside.
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

    record Boot(int status, String console, Plan plan) {
    }

    /** The secure default config running these arguments, with the default seccomp profile compiled for it. */
    static CreateRequest request(Path bundle, List<String> args) {
        Spec d = DefaultSpec.create();
        io.bulwark.core.spec.Process p = d.process();
        io.bulwark.core.spec.Process process = new io.bulwark.core.spec.Process(false, null, p.user(), args, null,
            List.of("PATH=/bin", "HOME=/"), "/", p.capabilities(), p.rlimits(), true, null, null, null, null, null,
            null);
        SeccompCompiler compiler = SeccompCompiler.load();
        SeccompProgram seccomp = compiler.compile(compiler.defaultProfile(p.capabilities()), "default profile",
            "linux.seccomp");
        Linux l = d.linux();
        // A bind mount of a bundle file: the guest cannot see the host, so its source travels in the initramfs.
        List<io.bulwark.core.spec.Mount> mounts = new ArrayList<>(d.mounts());
        mounts.add(new io.bulwark.core.spec.Mount("/etc/greeting", GREETING_FILE, List.of("bind", "ro"), "bind",
            null, null));
        Spec spec = new Spec(d.ociVersion(), process, d.root(), d.hostname(), d.domainname(), mounts, d.hooks(),
            d.annotations(), l);
        return new CreateRequest("guest", bundle, spec, bundle, null, false, 0, seccomp.filter(), seccomp.flags(),
            null, null);
    }

    static Boot boot(String name, List<String> args) throws Exception {
        Path bundle = Files.createDirectories(tmp.resolve(name));
        GuestRootfs.create(bundle.resolve("rootfs"));
        Files.writeString(bundle.resolve(GREETING_FILE), GREETING + "\n");
        CreateRequest r = request(bundle, args);
        GuestImage image = VmBackend.guestImage(r.spec(), r);
        Path initrd = bundle.resolve("initramfs.cpio");
        Files.write(initrd, image.initramfs());
        List<String> cmd = new ArrayList<>(List.of(QEMU.toString(), "-M", "microvm,acpi=off", "-accel", "tcg",
            "-cpu", "qemu64", "-m", "256", "-nodefaults", "-no-user-config", "-nographic", "-serial", "stdio",
            "-monitor", "none", "-no-reboot", "-device", "isa-debug-exit,iobase=0x501,iosize=2",
            "-kernel", GuestKernel.bzImage().toString(), "-initrd", initrd.toString(),
            "-append", GuestKernel.CMDLINE + TCG_CMDLINE));
        Path log = bundle.resolve("console.log");
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
        return new Boot(DebugExit.statusFromQemuExitCode(code), console, image.plan());
    }

    static final String GREETING_FILE = "greeting";
    static final String GREETING = "bound from the bundle";

    /** Everything the workload sees of its confinement, one line each, from inside the guest. */
    static final String CHECKS = String.join("\n",
        "echo hello",
        "uname -r",
        "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status",
        "echo \"uid_map: $(cat /proc/self/uid_map)\"",
        "echo \"gid_map: $(cat /proc/self/gid_map)\"",
        "echo \"id: $(id -u):$(id -g) pid: $$ hostname: $(hostname)\"",
        "echo \"marker: $(cat /" + GuestRootfs.MARKER + ")\"",
        "echo \"greeting: $(cat /etc/greeting)\"",
        "[ -e /init ] || [ -e /.bulwark ] || echo 'initramfs: not visible'",
        "echo \"kcore: $(stat -c '%F %t:%T' /proc/kcore)\"",
        "touch /probe 2>&1",
        "echo x 2>&1 >/proc/sys/kernel/domainname",
        "echo \"userns: $(cat /proc/sys/user/max_user_namespaces)"
            + " $(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo no-debian-switch)\"",
        "unshare -U true 2>&1; echo \"unshare: $?\"",
        "mount -t tmpfs none /tmp 2>&1; echo \"mount: $?\"");

    @Test
    void theWorkloadRunsInTheBundlesRootfsConfinedByTheWholePlan() throws Exception {
        Boot b = boot("checks", List.of("sh", "-c", CHECKS));
        String out = b.console();
        assertEquals(0, b.status(), out);
        assertTrue(out.contains("\nhello\n"), out);

        String release = GuestKernel.release();
        assertTrue(out.contains("\n" + release + "\n"), "guest release " + release + " in:\n" + out);
        String host = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        assertNotEquals(host, release, "the guest runs its own kernel, not the host's");

        // The guest plan really asked for all of it, so what follows is the shim carrying it out.
        Plan plan = b.plan();
        assertEquals(Plan.Kind.GUEST, plan.kind());
        assertEquals(GuestImage.ROOTFS, plan.rootfs().path());
        assertTrue((plan.newNamespaces() & LinuxConstants.CLONE_NEWUSER) != 0);

        long caps = SpecConverter.capMask(DefaultSpec.CAPABILITIES, "test");
        assertTrue(out.contains(String.format("CapEff:\t%016x\n", caps)), out);
        assertTrue(out.contains("NoNewPrivs:\t1\n"), out);
        assertTrue(out.contains("Seccomp:\t2\n"), out);

        // User namespace with the config's maps, written by the guest init; container root is root inside.
        long base = DefaultSpec.HOST_ID_BASE;
        long range = DefaultSpec.ID_RANGE;
        assertTrue(out.matches("(?s).*\nuid_map: +0 +" + base + " +" + range + "\n.*"), out);
        assertTrue(out.matches("(?s).*\ngid_map: +0 +" + base + " +" + range + "\n.*"), out);
        // pid 1 of its own pid namespace, its own uts namespace with the config's hostname.
        assertTrue(out.contains("\nid: 0:0 pid: 1 hostname: " + DefaultSpec.HOSTNAME + "\n"), out);

        // pivot_root into the bundle's rootfs: its marker is at /, the initramfs around it is gone.
        assertTrue(out.contains("\nmarker: " + GuestRootfs.MARKER_TEXT + "\n"), out);
        assertTrue(out.contains("\ninitramfs: not visible\n"), out);
        assertTrue(out.contains("\ngreeting: " + GREETING + "\n"), "the bind mount's source in the guest:\n" + out);

        // Masked path: /dev/null bound over /proc/kcore. Read-only root and read-only /proc/sys.
        assertTrue(out.contains("\nkcore: character special file 1:3\n"), out);
        assertTrue(out.contains("touch: /probe: Read-only file system\n"), out);
        assertTrue(out.contains("/proc/sys/kernel/domainname: Read-only file system") ||
            out.contains("can't create /proc/sys/kernel/domainname: Read-only file system"), out);

        // The default seccomp profile denies unshare without CAP_SYS_ADMIN: EPERM, seen from inside. The kernel
        // itself would let this process make a user namespace (no capability is needed, the guest allows
        // unprivileged ones, the process is not chrooted), so the denial is the filter's.
        java.util.regex.Matcher userns = java.util.regex.Pattern.compile("\nuserns: (\\d+) (\\S+)\n").matcher(out);
        assertTrue(userns.find(), out);
        assertTrue(Long.parseLong(userns.group(1)) > 0, "user namespaces allowed in the guest: " + userns.group());
        assertTrue(userns.group(2).equals("1") || userns.group(2).equals("no-debian-switch"), userns.group());
        assertTrue(out.contains("unshare: unshare(0x10000000): Operation not permitted\n"), out);
        assertTrue(out.contains("\nunshare: 1\n"), out);
        // mount is denied too (by the filter and the missing CAP_SYS_ADMIN alike).
        assertTrue(out.contains("\nmount: permission denied (are you root?)\nmount: 1\n"), out);
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
