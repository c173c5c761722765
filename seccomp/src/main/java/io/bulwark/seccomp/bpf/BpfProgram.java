package io.bulwark.seccomp.bpf;

import static io.bulwark.seccomp.bpf.BpfInstruction.*;

import io.bulwark.core.BulwarkException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A classic BPF program checked by the rules the kernel applies to seccomp filters (bpf_check_classic plus
 * seccomp_check_filter): 1 to 4096 instructions, only the instructions seccomp allows, loads only of aligned
 * {@code seccomp_data} words, jumps forward and in range, scratch slots 0..15, a return at the end.
 */
public final class BpfProgram {
    public static final int MAX_INSTRUCTIONS = 4096;
    public static final int MEMORY_WORDS = 16;

    private final List<BpfInstruction> instructions;

    public BpfProgram(List<BpfInstruction> instructions) {
        this.instructions = List.copyOf(instructions);
        validate();
    }

    /** Parses {@code struct sock_filter[]} in the host's byte order. */
    public static BpfProgram parse(byte[] bytes) {
        if (bytes.length == 0 || bytes.length % 8 != 0) {
            throw new BulwarkException("a BPF program is a non-empty multiple of 8 bytes, got " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        List<BpfInstruction> list = new ArrayList<>(bytes.length / 8);
        while (b.hasRemaining()) {
            int code = b.getShort() & 0xffff;
            int jt = b.get() & 0xff;
            int jf = b.get() & 0xff;
            int k = b.getInt();
            list.add(new BpfInstruction(code, jt, jf, k));
        }
        return new BpfProgram(list);
    }

    /** The program as {@code struct sock_filter[]} in the host's byte order. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(instructions.size() * 8).order(ByteOrder.nativeOrder());
        for (BpfInstruction i : instructions) {
            b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return b.array();
    }

    public List<BpfInstruction> instructions() {
        return instructions;
    }

    public int size() {
        return instructions.size();
    }

    /** Named only when an instruction is refused: formatting every one would cost more than checking it. */
    private static String where(int pc, BpfInstruction in) {
        return "BPF instruction " + pc + " " + in;
    }

    private void validate() {
        int n = instructions.size();
        if (n == 0 || n > MAX_INSTRUCTIONS) {
            throw new BulwarkException("a seccomp filter has 1 to " + MAX_INSTRUCTIONS + " instructions, got " + n);
        }
        for (int pc = 0; pc < n; pc++) {
            BpfInstruction in = instructions.get(pc);
            int code = in.code();
            int k = in.k();
            switch (code) {
                case LD | W | ABS -> {
                    if ((k & 3) != 0 || Integer.compareUnsigned(k, SeccompData.SIZE) >= 0) {
                        throw new BulwarkException(where(pc, in) + ": load outside seccomp_data or misaligned");
                    }
                }
                case LD | W | LEN, LDX | W | LEN, LD | IMM, LDX | IMM, MISC | TAX, MISC | TXA, RET | K, RET | A,
                     ALU | NEG, JMP | JA -> {
                    if (code == (JMP | JA) && Integer.compareUnsigned(k, n - pc - 1) >= 0) {
                        throw new BulwarkException(where(pc, in) + ": jump out of the program");
                    }
                }
                case LD | MEM, LDX | MEM, ST, STX -> {
                    if (Integer.compareUnsigned(k, MEMORY_WORDS) >= 0) {
                        throw new BulwarkException(where(pc, in) + ": scratch memory slot out of range");
                    }
                }
                case ALU | ADD | K, ALU | ADD | X, ALU | SUB | K, ALU | SUB | X, ALU | MUL | K, ALU | MUL | X,
                     ALU | DIV | K, ALU | DIV | X, ALU | AND | K, ALU | AND | X, ALU | OR | K, ALU | OR | X,
                     ALU | XOR | K, ALU | XOR | X, ALU | LSH | K, ALU | LSH | X, ALU | RSH | K, ALU | RSH | X -> {
                    if (code == (ALU | DIV | K) && k == 0) {
                        throw new BulwarkException(where(pc, in) + ": division by constant zero");
                    }
                    if ((code == (ALU | LSH | K) || code == (ALU | RSH | K)) && Integer.compareUnsigned(k, 32) >= 0) {
                        throw new BulwarkException(where(pc, in) + ": shift by 32 or more");
                    }
                }
                case JMP | JEQ | K, JMP | JEQ | X, JMP | JGT | K, JMP | JGT | X, JMP | JGE | K, JMP | JGE | X,
                     JMP | JSET | K, JMP | JSET | X -> {
                    if (pc + 1 + in.jt() >= n || pc + 1 + in.jf() >= n) {
                        throw new BulwarkException(where(pc, in) + ": jump out of the program");
                    }
                }
                default -> throw new BulwarkException(where(pc, in) + ": instruction not allowed in a seccomp filter");
            }
        }
        int last = instructions.get(n - 1).code();
        if (last != (RET | K) && last != (RET | A)) {
            throw new BulwarkException("a seccomp filter must end with a return instruction");
        }
    }
}
