package io.bulwark.vmm.process;

import io.bulwark.core.BulwarkException;
import io.bulwark.vmm.kvm.Structs;
import io.bulwark.vmm.kvm.Syscalls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How the VMM process confines itself before it runs guest code, in the spirit of Firecracker's jailer. The
 * process is started without capabilities (an empty bounding set, through {@code setpriv}: capabilities are
 * per thread and a JVM has many, so they must be gone before it starts) and with no_new_privs; here it checks
 * both and installs, on every thread at once (TSYNC), a seccomp filter that refuses with EPERM what a VMM never
 * needs: starting programs, debugging other processes, mounting, namespaces, kernel modules, kexec, BPF, perf,
 * keyrings, userfaultfd, io_uring, reboot.
 */
public final class VmmConfinement {
    private VmmConfinement() {
    }

    static final int PR_SET_NO_NEW_PRIVS = 38;
    static final int PR_GET_NO_NEW_PRIVS = 39;
    static final int SECCOMP_FILTER_FLAG_TSYNC = 1;
    static final long AUDIT_ARCH_X86_64 = 0xc000003eL;
    static final int SECCOMP_RET_KILL_PROCESS = 0x80000000;
    static final int SECCOMP_RET_ERRNO = 0x00050000;
    static final int SECCOMP_RET_ALLOW = 0x7fff0000;
    static final int EPERM = 1;
    /** x32 system calls have this bit set in the number; none is ever legitimate here. */
    static final int X32_SYSCALL_BIT = 0x40000000;

    /** System calls the VMM refuses itself (x86-64 numbers). */
    public static final List<Integer> DENIED = List.of(
        59, 322, // execve, execveat
        101, 310, 311, // ptrace, process_vm_readv/writev
        165, 166, 155, 161, // mount, umount2, pivot_root, chroot
        428, 429, 430, 431, 432, 442, // open_tree, move_mount, fsopen, fsconfig, fsmount, mount_setattr
        272, 308, // unshare, setns
        175, 313, 176, // init_module, finit_module, delete_module
        246, 320, // kexec_load, kexec_file_load
        321, 298, 323, // bpf, perf_event_open, userfaultfd
        248, 249, 250, // add_key, request_key, keyctl
        425, 426, 427, // io_uring_setup/enter/register
        169, 167, 168, // reboot, swapon, swapoff
        303, 304, // name_to_handle_at, open_by_handle_at
        163, 159, 227, 164, // acct, adjtimex, clock_settime, settimeofday
        153, 154 // vhangup, modify_ldt
    );

    /**
     * The filter as struct sock_filter[]: wrong architecture or x32 kills the process, a denied call returns EPERM,
     * everything else is allowed.
     */
    public static byte[] filter() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        stmt(b, 0x20, 4); // ld [arch]
        jump(b, 0x15, AUDIT_ARCH_X86_64, 1, 0); // jeq x86-64: skip the kill
        stmt(b, 0x06, SECCOMP_RET_KILL_PROCESS);
        stmt(b, 0x20, 0); // ld [nr]
        jump(b, 0x45, X32_SYSCALL_BIT, 0, 1); // jset x32 bit: kill
        stmt(b, 0x06, SECCOMP_RET_KILL_PROCESS);
        int n = DENIED.size();
        for (int i = 0; i < n; i++) {
            // jeq nr: jump to the EPERM return after the remaining tests and the allow
            jump(b, 0x15, DENIED.get(i), n - i, 0);
        }
        stmt(b, 0x06, SECCOMP_RET_ALLOW);
        stmt(b, 0x06, SECCOMP_RET_ERRNO | EPERM);
        return b.toByteArray();
    }

    private static void stmt(ByteArrayOutputStream b, int code, long k) {
        jump(b, code, k, 0, 0);
    }

    private static void jump(ByteArrayOutputStream b, int code, long k, int jt, int jf) {
        byte[] ins = new byte[8];
        Structs.put16(ins, 0, code);
        Structs.put8(ins, 2, jt);
        Structs.put8(ins, 3, jf);
        Structs.put32(ins, 4, k);
        b.writeBytes(ins);
    }

    /** Sets no_new_privs (idempotent), checks that no capability is left, installs the filter on all threads. */
    public static void apply(Syscalls sys) {
        if (sys.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
            throw new BulwarkException("prctl(PR_SET_NO_NEW_PRIVS) failed");
        }
        long effective = capabilities("CapEff");
        long bounding = capabilities("CapBnd");
        if (effective != 0 || bounding != 0) {
            throw new BulwarkException(String.format("the VMM still holds capabilities (effective %x, bounding %x): "
                + "start it through setpriv with an empty bounding set", effective, bounding));
        }
        sys.seccompFilter(SECCOMP_FILTER_FLAG_TSYNC, filter());
    }

    /** A capability set of this process from /proc/self/status. */
    static long capabilities(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseUnsignedLong(line.substring(field.length() + 1).trim(), 16);
                }
            }
        } catch (IOException e) {
            throw new BulwarkException("cannot read /proc/self/status: " + e.getMessage(), e);
        }
        throw new BulwarkException("/proc/self/status has no " + field);
    }

    /** The command prefix that starts a process without capabilities and with no_new_privs. */
    public static List<String> launcherPrefix() {
        return List.of("setpriv", "--no-new-privs", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all",
            "--");
    }
}
