package io.bulwark.vmm.process;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.backend.Stdio;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starting the VMM as its own process, shared by the vm backend ({@code create}) and {@code bulwark vm boot}: its
 * jail ({@link VmmJail}: descriptors, namespaces, an unprivileged user, no capabilities, no_new_privs), the same
 * JVM and class path, and the JVM options that keep it inside its seccomp allowlist.
 */
public final class VmmProcess {
    private VmmProcess() {
    }

    /**
     * The command that starts the VMM process: confined, through its jail's launcher (see {@link VmmJail}); else
     * (tests that inspect the VMM with tools it would refuse) plain. Same JVM; the class path as the jail's user can
     * read it.
     *
     * @param dieWithParent the VMM gets SIGKILL when the thread that started it ends (a foreground command that
     *                      is itself killed must not leave its VM running); a detached container's VMM outlives
     *                      its {@code create}
     */
    public static List<String> command(VmmLaunch launch, VmmJail jail, boolean dieWithParent) {
        List<String> cmd = new ArrayList<>();
        String classPath = System.getProperty("java.class.path");
        if (launch.confine()) {
            cmd.addAll(jail.launcher(launch.kernel(), launch.initrd(), dieWithParent));
            classPath = jail.classPath(classPath, launch.stateDir());
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xss1m");
        cmd.addAll(VmmConfinement.jvmOptions());
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(VmmMain.class.getName());
        cmd.addAll(launch.toArgs());
        return cmd;
    }

    /**
     * Starts the VMM with {@code stdio} as its stdin, stdout and stderr, in {@code /} (a jailed VMM may not be able
     * to enter the caller's directory). A confined VMM's directory (its state directory) becomes its user's.
     */
    public static java.lang.Process spawn(VmmLaunch launch, VmmJail jail, Stdio stdio, boolean dieWithParent) {
        if (launch.confine()) {
            jail.requireReachable(launch.stateDir());
            jail.own(launch.stateDir());
            jail.own(launch.stateDir().resolve(VmmLaunch.START_FIFO));
        }
        ProcessBuilder pb = new ProcessBuilder(command(launch, jail, dieWithParent)).directory(new File("/"));
        if (stdio.equals(Stdio.INHERIT)) {
            pb.inheritIO();
        } else {
            // Reopening /proc/self/fd/N gives the child the same file, pipe or terminal as descriptor N.
            pb.redirectInput(new File("/proc/self/fd/" + stdio.in()));
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File("/proc/self/fd/" + stdio.out())));
            pb.redirectError(ProcessBuilder.Redirect.appendTo(new File("/proc/self/fd/" + stdio.err())));
        }
        try {
            return pb.start();
        } catch (IOException e) {
            throw new BulwarkException("cannot start the VMM process: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the VMM in {@code stateDir} has built its VM. If it reports an error or ends first, it is
     * killed and reaped and the error says why.
     */
    public static void awaitReady(java.lang.Process vmm, Path stateDir, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Path ready = stateDir.resolve(VmmLaunch.READY_FILE);
        while (!Files.exists(ready)) {
            String failure = failure(vmm, stateDir);
            if (failure != null) {
                stop(vmm);
                throw new BulwarkException("the VMM could not build the VM: " + failure);
            }
            if (System.currentTimeMillis() > deadline) {
                stop(vmm);
                throw new BulwarkException("the VMM did not get ready within " + timeoutMs / 1000 + " s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                stop(vmm);
                Thread.currentThread().interrupt();
                throw new BulwarkException("interrupted while the VMM built the VM", e);
            }
        }
    }

    /** Why the VMM failed before it ran the guest (its error file, or its exit status), or null if it did not. */
    public static String failure(java.lang.Process vmm, Path stateDir) {
        Path error = stateDir.resolve(VmmLaunch.ERROR_FILE);
        if (Files.exists(error)) {
            try {
                return Files.readString(error).trim();
            } catch (IOException e) {
                return "unreadable " + error + ": " + e.getMessage();
            }
        }
        if (!vmm.isAlive()) {
            return "it exited with status " + vmm.exitValue();
        }
        return null;
    }

    /** Kills the VMM and reaps it. */
    public static void stop(java.lang.Process vmm) {
        vmm.destroyForcibly();
        boolean interrupted = false;
        while (true) {
            try {
                vmm.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
