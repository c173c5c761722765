package io.bulwark.seccomp.bpf;

import static io.bulwark.seccomp.bpf.BpfInstruction.*;

import java.util.List;

/**
 * Runs a seccomp filter on one {@link SeccompData} the way the kernel does, in Java: the operator tool
 * {@code bulwark seccomp check} and the oracle of the property tests. Programs are checked on construction
 * ({@link BpfProgram}), so evaluation cannot run off the end or loop.
 */
public final class BpfInterpreter {
    /** The filter's return value together with how many instructions ran to reach it. */
    public record Result(int returnValue, int executed) {
        public Verdict verdict() {
            return Verdict.decode(returnValue);
        }
    }

    private final BpfInstruction[] program;

    public BpfInterpreter(BpfProgram program) {
        this.program = program.instructions().toArray(new BpfInstruction[0]);
    }

    public static BpfInterpreter of(byte[] filter) {
        return new BpfInterpreter(BpfProgram.parse(filter));
    }

    public Verdict evaluate(SeccompData data) {
        return run(data).verdict();
    }

    public Result run(SeccompData data) {
        int a = 0;
        int x = 0;
        int[] mem = new int[BpfProgram.MEMORY_WORDS];
        int pc = 0;
        int executed = 0;
        while (true) {
            BpfInstruction in = program[pc++];
            executed++;
            int k = in.k();
            switch (in.code()) {
                case LD | W | ABS -> a = data.word(k);
                case LD | W | LEN -> a = SeccompData.SIZE;
                case LDX | W | LEN -> x = SeccompData.SIZE;
                case LD | IMM -> a = k;
                case LDX | IMM -> x = k;
                case LD | MEM -> a = mem[k];
                case LDX | MEM -> x = mem[k];
                case ST -> mem[k] = a;
                case STX -> mem[k] = x;
                case MISC | TAX -> x = a;
                case MISC | TXA -> a = x;
                case ALU | NEG -> a = -a;
                case ALU | ADD | K -> a += k;
                case ALU | ADD | X -> a += x;
                case ALU | SUB | K -> a -= k;
                case ALU | SUB | X -> a -= x;
                case ALU | MUL | K -> a *= k;
                case ALU | MUL | X -> a *= x;
                case ALU | DIV | K -> a = Integer.divideUnsigned(a, k);
                case ALU | DIV | X -> {
                    if (x == 0) {
                        return new Result(0, executed); // the kernel's classic BPF returns 0 on division by zero
                    }
                    a = Integer.divideUnsigned(a, x);
                }
                case ALU | AND | K -> a &= k;
                case ALU | AND | X -> a &= x;
                case ALU | OR | K -> a |= k;
                case ALU | OR | X -> a |= x;
                case ALU | XOR | K -> a ^= k;
                case ALU | XOR | X -> a ^= x;
                case ALU | LSH | K -> a <<= k;
                case ALU | LSH | X -> a = (x & 0xffffffffL) >= 32 ? 0 : a << x;
                case ALU | RSH | K -> a >>>= k;
                case ALU | RSH | X -> a = (x & 0xffffffffL) >= 32 ? 0 : a >>> x;
                case JMP | JA -> pc += k;
                case JMP | JEQ | K -> pc += a == k ? in.jt() : in.jf();
                case JMP | JEQ | X -> pc += a == x ? in.jt() : in.jf();
                case JMP | JGT | K -> pc += Integer.compareUnsigned(a, k) > 0 ? in.jt() : in.jf();
                case JMP | JGT | X -> pc += Integer.compareUnsigned(a, x) > 0 ? in.jt() : in.jf();
                case JMP | JGE | K -> pc += Integer.compareUnsigned(a, k) >= 0 ? in.jt() : in.jf();
                case JMP | JGE | X -> pc += Integer.compareUnsigned(a, x) >= 0 ? in.jt() : in.jf();
                case JMP | JSET | K -> pc += (a & k) != 0 ? in.jt() : in.jf();
                case JMP | JSET | X -> pc += (a & x) != 0 ? in.jt() : in.jf();
                case RET | K -> {
                    return new Result(k, executed);
                }
                case RET | A -> {
                    return new Result(a, executed);
                }
                default -> throw new IllegalStateException("unchecked instruction " + in);
            }
        }
    }

    /** The program as one instruction a line, for debugging and {@code seccomp compile --dump}. */
    public static String disassemble(BpfProgram program) {
        StringBuilder sb = new StringBuilder();
        List<BpfInstruction> list = program.instructions();
        for (int i = 0; i < list.size(); i++) {
            sb.append(String.format("%04d: %s%n", i, list.get(i)));
        }
        return sb.toString();
    }
}
