package io.bulwark.cli.vm;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.core.BulwarkException;
import io.bulwark.vmm.VmBuilder;
import io.bulwark.vmm.kvm.NativeSyscalls;
import io.bulwark.vmm.kvm.Syscalls;
import io.bulwark.vmm.process.VmmJail;
import io.bulwark.vmm.process.VmmLaunch;
import io.bulwark.vmm.process.VmmProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * {@code bulwark vm boot}: boots a kernel directly in Bulwark's VMM, for debugging and for checking a kernel before
 * use. The guest runs in the same confined VMM process the vm backend starts (no capabilities, no_new_privs, the
 * seccomp allowlist), never in this JVM: a kernel under test is as untrusted as any guest. The VMM's stdio is the
 * command's, so the guest console streams to stdout and stdin feeds the guest's UART; its exit code (the status the
 * guest wrote to the exit device, or a fixed code when the VM ended otherwise) is the command's.
 */
public final class VmCommand implements Command {
    public static final String DEFAULT_CMDLINE = "console=ttyS0 reboot=k panic=-1 pci=off nomodule";

    /** Signals that stop the VM (passed on to the VMM, which then exits with 128 + the signal). */
    static final List<String> FORWARDED_SIGNALS = List.of("TERM", "INT", "HUP");
    private static final long READY_TIMEOUT_MS = 60_000;

    private final Syscalls sys;

    public VmCommand() {
        this(NativeSyscalls.get());
    }

    VmCommand(Syscalls sys) {
        this.sys = sys;
    }

    @Override
    public String name() {
        return "vm";
    }

    @Override
    public String summary() {
        return "boot a kernel in Bulwark's microVM monitor (vm boot)";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark vm boot --kernel FILE [--initrd FILE] [--cmdline STR] [--memory MIB] [--vcpus N]
                                   [--timeout SECONDS]

            Boots FILE (an x86-64 bzImage) the way the vm backend boots guests: 64-bit boot protocol, e820 map,
            MP and ACPI tables, a 16550 console on ttyS0 and the exit device on port 0x501 (QEMU isa-debug-exit
            compatible). The guest runs in a separate VMM process confined as the vm backend's is (no capabilities,
            no_new_privs, a seccomp allowlist; BULWARK_VMM_SECCOMP=log logs calls outside it instead of killing).
            The guest console goes to stdout; stdin goes to the guest; SIGTERM, SIGINT and SIGHUP stop the VM.
            Defaults: --cmdline "%s", --memory %d, --vcpus %d, no timeout.
            Exit code: the status the guest wrote to the exit device; 0 when the guest reset the machine without
            one; 124 on timeout, 125 on a triple fault, 126 on an exit the VMM cannot handle (each with the vCPU
            registers on stderr), 137 when killed, 128 + N when stopped by signal N.
            """.formatted(DEFAULT_CMDLINE, VmBuilder.DEFAULT_MEMORY_MIB, VmBuilder.DEFAULT_VCPUS);
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws Exception {
        if (args.isEmpty() || !args.get(0).equals("boot")) {
            throw new BulwarkException("vm: unknown or missing subcommand" + (args.isEmpty() ? "" : " '" + args.get(0)
                + "'") + " (boot)", 22);
        }
        Flags f = new Flags("vm boot").value("kernel").value("initrd").value("cmdline").value("memory")
            .value("vcpus").value("timeout").parse(args.subList(1, args.size()));
        if (!f.positional().isEmpty()) {
            throw new BulwarkException("vm boot: unexpected argument '" + f.positional().get(0) + "'", 22);
        }
        String kernel = f.get("kernel");
        if (kernel == null) {
            throw new BulwarkException("vm boot: --kernel FILE is required", 22);
        }
        String initrd = f.get("initrd");
        String cmdline = f.get("cmdline", DEFAULT_CMDLINE);
        int memory = f.intValue("memory", VmBuilder.DEFAULT_MEMORY_MIB);
        int vcpus = f.intValue("vcpus", VmBuilder.DEFAULT_VCPUS);
        Duration timeout = timeout(f.get("timeout"));
        // Everything the VMM would refuse, refused here before a process or a directory exists.
        VmBuilder check = new VmBuilder().kernel(kernel, read(kernel, "--kernel")).cmdline(cmdline).memoryMib(memory)
            .vcpus(vcpus);
        if (initrd != null) {
            check.initrd(read(initrd, "--initrd"));
        }
        check.validate();
        VmmJail jail = VmmJail.fromEnvironment(System.getenv(VmmJail.USER_ENV));
        Path dir = privateDirectory();
        try {
            return boot(ctx, jail, new VmmLaunch(Path.of(kernel).toAbsolutePath(),
                initrd == null ? null : Path.of(initrd).toAbsolutePath(), cmdline, memory, vcpus, timeout, dir, true));
        } finally {
            deleteTree(dir);
        }
    }

    private int boot(CliContext ctx, VmmJail jail, VmmLaunch launch) throws InterruptedException {
        Path fifo = launch.stateDir().resolve(VmmLaunch.START_FIFO);
        sys.mkfifo(fifo.toString(), 0600);
        // Opened at once (non-blocking, so before the VMM exists): the VMM's open for writing completes as soon as
        // it has built the VM, and it goes on to run the guest without waiting for a start.
        int start = sys.open(fifo.toString(), Syscalls.O_RDONLY | Syscalls.O_NONBLOCK | Syscalls.O_CLOEXEC);
        AtomicReference<java.lang.Process> vmm = new AtomicReference<>();
        AtomicInteger stopSignal = new AtomicInteger();
        // Installed before the VMM exists so that no signal falls between its start and the forwarding.
        ctx.invocation().signals().forward(FORWARDED_SIGNALS, sig -> {
            stopSignal.compareAndSet(0, sig);
            java.lang.Process p = vmm.get();
            if (p != null && p.isAlive()) {
                sys.kill((int) p.pid(), sig);
            }
        });
        try {
            java.lang.Process p = VmmProcess.spawn(launch, jail, ctx.invocation().stdio(), true);
            vmm.set(p);
            if (stopSignal.get() != 0) {
                sys.kill((int) p.pid(), stopSignal.get());
            }
            VmmProcess.awaitReady(p, launch.stateDir(), READY_TIMEOUT_MS);
            return p.waitFor();
        } finally {
            java.lang.Process p = vmm.get();
            if (p != null && p.isAlive()) {
                VmmProcess.stop(p);
            }
            sys.close(start);
        }
    }

    /**
     * A directory only root can enter, for the VMM's ready and error files and its start FIFO (given to the VMM's
     * user when it starts).
     */
    private static Path privateDirectory() {
        try {
            return Files.createTempDirectory("bulwark-vm-boot-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new BulwarkException("vm boot: cannot create a private directory: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new BulwarkException("vm boot: cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }

    static Duration timeout(String value) {
        if (value == null) {
            return null;
        }
        try {
            double s = Double.parseDouble(value);
            if (s < 0 || Double.isNaN(s) || Double.isInfinite(s)) {
                throw new NumberFormatException();
            }
            return s == 0 ? null : Duration.ofNanos((long) (s * 1e9));
        } catch (NumberFormatException e) {
            throw new BulwarkException("vm boot: invalid value \"" + value + "\" for --timeout: not a number of seconds",
                22);
        }
    }

    private static byte[] read(String file, String flag) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new BulwarkException("vm boot: " + flag + " " + file + ": no such file", 2);
        } catch (IOException e) {
            throw new BulwarkException("vm boot: " + flag + " " + file + ": " + e.getMessage(), 5);
        }
    }
}
