package io.bulwark.vmm.process;

import io.bulwark.core.BulwarkException;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import io.bulwark.vmm.ConsoleInput;
import io.bulwark.vmm.Vm;
import io.bulwark.vmm.VmBuilder;
import io.bulwark.vmm.VmOutcome;
import io.bulwark.vmm.kvm.NativeSyscalls;
import io.bulwark.vmm.kvm.Syscalls;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The VMM as its own long-lived process, the vm backend's counterpart of a container's init: builds the VM, tells
 * the backend it is ready, waits until {@code start} opens the start FIFO, confines itself, runs the guest with the
 * console on its stdout (and its stdin fed to the guest's UART) and exits with the guest's status (or the outcome's
 * code: 124 past the timeout, 137 when killed).
 */
public final class VmmMain {
    private VmmMain() {
    }

    public static void main(String[] args) {
        VmmLaunch launch;
        try {
            launch = VmmLaunch.parse(args);
        } catch (RuntimeException e) {
            System.err.println("bulwark-vmm: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(launch));
    }

    static int run(VmmLaunch launch) {
        Path state = launch.stateDir();
        Vm vm;
        try {
            VmBuilder b = new VmBuilder().name("vmm").cmdline(launch.cmdline()).memoryMib(launch.memoryMib())
                .vcpus(launch.vcpus()).console(System.out);
            if (launch.confine()) {
                // Jailed: the launcher opened what this user may not (see VmmJail).
                Syscalls sys = NativeSyscalls.get();
                b.kernel(launch.kernel().toString(), readAll(sys, VmmJail.KERNEL_FD, launch.kernel()));
                if (launch.initrd() != null) {
                    b.initrd(readAll(sys, VmmJail.INITRD_FD, launch.initrd()));
                }
                sys.close(VmmJail.KERNEL_FD);
                sys.close(VmmJail.INITRD_FD);
                b.kvmDevice(VmmJail.KVM_FD);
            } else {
                b.kernel(launch.kernel().toString(), Files.readAllBytes(launch.kernel()));
                if (launch.initrd() != null) {
                    b.initrd(Files.readAllBytes(launch.initrd()));
                }
            }
            vm = b.build();
        } catch (IOException | RuntimeException e) {
            report(state.resolve(VmmLaunch.ERROR_FILE), e.getMessage());
            return 1;
        }
        byte[] filter = null;
        try {
            if (launch.confine()) {
                // Compiled now, while create waits, so that start only installs it.
                VmmConfinement.Mode mode = VmmConfinement.Mode.fromEnvironment(System.getenv(VmmConfinement.MODE_ENV));
                filter = VmmConfinement.compile(Libseccomp.get(), ProcessHandle.current().pid(), mode);
                WarmUp.run(NativeSyscalls.get());
            }
        } catch (RuntimeException e) {
            closeQuietly(vm);
            report(state.resolve(VmmLaunch.ERROR_FILE), e.getMessage());
            return 1;
        }
        try {
            report(state.resolve(VmmLaunch.READY_FILE), Long.toString(ProcessHandle.current().pid()));
            // Blocks until the backend's start opens the FIFO for reading, as a container init waits on exec.fifo.
            try (FileOutputStream start = new FileOutputStream(state.resolve(VmmLaunch.START_FIFO).toFile())) {
                start.write('1');
            }
            if (filter != null) {
                VmmConfinement.apply(NativeSyscalls.get(), filter);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(vm::kill, "vmm-stop"));
            vm.start();
            // Unbuffered: BufferedInputStream asks available() (fstat and lseek, or ioctl FIONREAD) between reads.
            ConsoleInput.start(vm, new FileInputStream(FileDescriptor.in), "vmm-stdin");
            VmOutcome outcome = vm.awaitExit(launch.timeout());
            System.out.flush();
            if (outcome.kind() != VmOutcome.Kind.EXITED) {
                System.err.println("bulwark-vmm: " + outcome.describe());
            }
            return outcome.exitCode();
        } catch (IOException | RuntimeException e) {
            System.err.println("bulwark-vmm: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            closeQuietly(vm);
        }
    }

    /** The whole file open as {@code fd} (named {@code file} in errors). */
    static byte[] readAll(Syscalls sys, int fd, Path file) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (true) {
            int n = sys.read(fd, buf);
            if (n == -Syscalls.EINTR) {
                continue;
            }
            if (n < 0) {
                throw new BulwarkException("cannot read " + file + " (descriptor " + fd + "): " + sys.strerror(-n), -n);
            }
            if (n == 0) {
                return out.toByteArray();
            }
            out.write(buf, 0, n);
        }
    }

    private static void closeQuietly(Vm vm) {
        try {
            vm.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void report(Path file, String text) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text == null ? "unknown error" : text, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BulwarkException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
