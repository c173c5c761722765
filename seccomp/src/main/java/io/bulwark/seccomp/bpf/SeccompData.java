package io.bulwark.seccomp.bpf;

import java.util.Arrays;

/**
 * {@code struct seccomp_data}, the input of a seccomp filter: syscall number, audit architecture, instruction
 * pointer and six 64-bit arguments, laid out as the filter reads them (64 bytes, little-endian on x86-64).
 */
public record SeccompData(int nr, int arch, long instructionPointer, long[] args) {
    public static final int SIZE = 64;
    public static final int OFFSET_NR = 0;
    public static final int OFFSET_ARCH = 4;
    public static final int OFFSET_IP = 8;
    public static final int OFFSET_ARGS = 16;

    public SeccompData {
        if (args.length > 6) {
            throw new IllegalArgumentException("a syscall has at most 6 arguments");
        }
        args = Arrays.copyOf(args, 6);
    }

    public static SeccompData of(int arch, int nr, long... args) {
        return new SeccompData(nr, arch, 0, args);
    }

    @Override
    public long[] args() {
        return args.clone();
    }

    public long arg(int i) {
        return args[i];
    }

    /** The 32-bit word at byte {@code offset}, as {@code BPF_LD|BPF_W|BPF_ABS} loads it (host order: little-endian). */
    public int word(int offset) {
        if (offset < 0 || offset > SIZE - 4 || (offset & 3) != 0) {
            throw new IllegalArgumentException("misaligned or out-of-range seccomp_data load at " + offset);
        }
        if (offset == OFFSET_NR) {
            return nr;
        }
        if (offset == OFFSET_ARCH) {
            return arch;
        }
        long v = offset < OFFSET_ARGS ? instructionPointer : args[(offset - OFFSET_ARGS) / 8];
        return (offset & 4) == 0 ? (int) v : (int) (v >>> 32);
    }
}
