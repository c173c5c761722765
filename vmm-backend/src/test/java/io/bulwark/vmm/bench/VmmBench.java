package io.bulwark.vmm.bench;

import io.bulwark.seccomp.libseccomp.Libseccomp;
import io.bulwark.vmm.Vm;
import io.bulwark.vmm.VmBuilder;
import io.bulwark.vmm.VmOutcome;
import io.bulwark.vmm.process.VmmConfinement;
import io.bulwark.vmm.testkernel.TestKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Bulwark's side of bench/vm.sh (run from the test classes, not by surefire).
 *
 *   write DIR           writes the benchmark kernels (exit0, portloop-N, checks) as bzImages into DIR
 *   create N            median time of N VM builds (VM, irqchip, PIT, 128 MiB, one vCPU, kernel loaded), then close
 *   boot FILE N         median time of N whole runs of FILE: build, run to the exit device, close
 *   filter              the VMM process's seccomp allowlist: "SYSCALLS RULES INSTRUCTIONS" (distinct syscalls allowed,
 *                       rules including argument-filtered ones and errno refusals, BPF instructions)
 * Each prints "SECONDS STATUS" after three unmeasured warm-up rounds (the JIT compiles the VMM's paths).
 */
public final class VmmBench {
    private VmmBench() {
    }

    public static final int[] PORT_LOOPS = {0, 20_000};

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "write" -> {
                Path dir = Files.createDirectories(Path.of(args[1]));
                Files.write(dir.resolve("exit0.bzImage"), TestKernel.exitWith(0));
                Files.write(dir.resolve("checks.bzImage"), TestKernel.bootChecks(0));
                for (int n : PORT_LOOPS) {
                    Files.write(dir.resolve("portloop-" + n + ".bzImage"), TestKernel.portLoop(n));
                }
            }
            case "create" -> measure(null, Integer.parseInt(args[1]));
            case "boot" -> measure(Files.readAllBytes(Path.of(args[1])), Integer.parseInt(args[2]));
            case "filter" -> {
                long pid = ProcessHandle.current().pid();
                byte[] bpf = VmmConfinement.compile(Libseccomp.get(), pid, VmmConfinement.Mode.KILL);
                System.out.printf("%d %d %d%n", VmmConfinement.allowedSyscalls(pid).size(),
                    VmmConfinement.allowlist(pid).size() + VmmConfinement.REFUSED.size(), bpf.length / 8);
            }
            default -> throw new IllegalArgumentException("write DIR | create N | boot FILE N | filter");
        }
    }

    private static void measure(byte[] kernel, int n) throws Exception {
        double[] t = new double[n];
        int status = -1;
        for (int i = -3; i < n; i++) {
            long t0 = System.nanoTime();
            try (Vm vm = new VmBuilder().kernel("bench", kernel == null ? TestKernel.exitWith(0) : kernel)
                    .cmdline("console=ttyS0").build()) {
                if (kernel != null) {
                    vm.start();
                    VmOutcome o = vm.awaitExit(Duration.ofMinutes(5));
                    status = o.exitCode();
                }
            }
            if (i >= 0) {
                t[i] = (System.nanoTime() - t0) / 1e9;
            }
        }
        Arrays.sort(t);
        System.out.printf("%.6f %d%n", t[n / 2], status);
    }
}
