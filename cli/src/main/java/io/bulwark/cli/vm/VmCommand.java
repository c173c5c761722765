package io.bulwark.cli.vm;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.core.BulwarkException;
import io.bulwark.vmm.ConsoleInput;
import io.bulwark.vmm.Vm;
import io.bulwark.vmm.VmBuilder;
import io.bulwark.vmm.VmOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code bulwark vm boot}: boots a kernel directly in Bulwark's VMM, for debugging and for checking a kernel before
 * use. The guest console streams to stdout, stdin feeds the guest's UART, and the exit code is the status the guest
 * wrote to the exit device, or a fixed code when the VM ended otherwise.
 */
public final class VmCommand implements Command {
    public static final String DEFAULT_CMDLINE = "console=ttyS0 reboot=k panic=-1 pci=off nomodule";

    private final InputStream stdin;

    public VmCommand() {
        this(System.in);
    }

    /** With another console input (tests). */
    public VmCommand(InputStream stdin) {
        this.stdin = stdin;
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
            compatible). The guest console goes to stdout; stdin goes to the guest.
            Defaults: --cmdline "%s", --memory %d, --vcpus %d, no timeout.
            Exit code: the status the guest wrote to the exit device; 0 when the guest reset the machine without
            one; 124 on timeout, 125 on a triple fault, 126 on an exit the VMM cannot handle (each with the vCPU
            registers on stderr), 137 when killed.
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
        VmBuilder builder = new VmBuilder().name("vm-boot")
            .kernel(kernel, read(kernel, "--kernel"))
            .cmdline(f.get("cmdline", DEFAULT_CMDLINE))
            .memoryMib(f.intValue("memory", VmBuilder.DEFAULT_MEMORY_MIB))
            .vcpus(f.intValue("vcpus", VmBuilder.DEFAULT_VCPUS))
            .console(ctx.out());
        if (f.get("initrd") != null) {
            builder.initrd(read(f.get("initrd"), "--initrd"));
        }
        Duration timeout = timeout(f.get("timeout"));
        try (Vm vm = builder.build()) {
            vm.start();
            ConsoleInput.start(vm, stdin, "vm-boot-stdin");
            VmOutcome outcome = vm.awaitExit(timeout);
            ctx.out().flush();
            if (outcome.kind() != VmOutcome.Kind.EXITED) {
                ctx.err().println("bulwark vm boot: " + outcome.describe());
            }
            return outcome.exitCode();
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
