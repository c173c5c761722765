package io.bulwark.vmm.process;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the VMM process is asked to run, as command-line arguments (so that {@code ps} shows it and nothing else
 * needs parsing).
 *
 * @param kernel   the bzImage
 * @param initrd   the initramfs, or null
 * @param cmdline  the kernel command line
 * @param memoryMib guest memory
 * @param vcpus    vCPU count
 * @param timeout  wall-clock limit of the guest's run, null for none
 * @param stateDir where the process reports readiness or failure and waits for start
 * @param confine  whether it confines itself before running guest code
 */
public record VmmLaunch(Path kernel, Path initrd, String cmdline, long memoryMib, int vcpus, Duration timeout,
                        Path stateDir, boolean confine) {
    public static final String READY_FILE = "vmm.ready";
    public static final String ERROR_FILE = "vmm.error";
    public static final String START_FIFO = "vmm.start";

    public VmmLaunch {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            timeout = null;
        }
    }

    public List<String> toArgs() {
        List<String> a = new ArrayList<>(List.of("--kernel", kernel.toString(), "--cmdline", cmdline, "--memory",
            Long.toString(memoryMib), "--vcpus", Integer.toString(vcpus), "--state", stateDir.toString()));
        if (timeout != null) {
            a.add("--timeout");
            a.add(BigDecimal.valueOf(timeout.toNanos(), 9).stripTrailingZeros().toPlainString());
        }
        if (initrd != null) {
            a.add("--initrd");
            a.add(initrd.toString());
        }
        if (!confine) {
            a.add("--no-confine");
        }
        return a;
    }

    public static VmmLaunch parse(String[] args) {
        Path kernel = null;
        Path initrd = null;
        String cmdline = "";
        long memory = 128;
        int vcpus = 1;
        Duration timeout = null;
        Path state = null;
        boolean confine = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kernel" -> kernel = Path.of(args[++i]);
                case "--initrd" -> initrd = Path.of(args[++i]);
                case "--cmdline" -> cmdline = args[++i];
                case "--memory" -> memory = Long.parseLong(args[++i]);
                case "--vcpus" -> vcpus = Integer.parseInt(args[++i]);
                case "--timeout" -> timeout = Duration.ofNanos(new BigDecimal(args[++i]).movePointRight(9)
                    .longValueExact());
                case "--state" -> state = Path.of(args[++i]);
                case "--no-confine" -> confine = false;
                default -> throw new IllegalArgumentException("unknown VMM argument " + args[i]);
            }
        }
        if (kernel == null || state == null) {
            throw new IllegalArgumentException("the VMM needs --kernel and --state");
        }
        return new VmmLaunch(kernel, initrd, cmdline, memory, vcpus, timeout, state, confine);
    }
}
