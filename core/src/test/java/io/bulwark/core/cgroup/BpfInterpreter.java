package io.bulwark.core.cgroup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Runs the subset of eBPF that {@link DeviceFilter} emits against a bpf_cgroup_dev_ctx, for tests. */
final class BpfInterpreter {
    private BpfInterpreter() {
    }

    /** Checks what the kernel verifier checks first: every jump lands inside the program, the last insn exits. */
    static void verifyJumps(byte[] program) {
        ByteBuffer code = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        int count = program.length / 8;
        if (count == 0 || (code.get((count - 1) * 8) & 0xff) != DeviceFilter.EXIT) {
            throw new IllegalStateException("the program must end with exit");
        }
        for (int pc = 0; pc < count; pc++) {
            int op = code.get(pc * 8) & 0xff;
            if ((op & 0x07) == 0x05 && op != DeviceFilter.EXIT) {
                int target = pc + 1 + code.getShort(pc * 8 + 2);
                if (target < 0 || target >= count) {
                    throw new IllegalStateException("jump out of range from insn " + pc + " to " + target);
                }
            }
        }
    }

    static long run(byte[] program, int type, int access, int major, int minor) {
        verifyJumps(program);
        ByteBuffer ctx = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        ctx.putInt(0, (access << 16) | type).putInt(4, major).putInt(8, minor);
        ByteBuffer code = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        long[] r = new long[11];
        int pc = 0;
        int steps = 0;
        while (true) {
            if (++steps > 100_000 || pc * 8 >= program.length) {
                throw new IllegalStateException("ran off the program at " + pc);
            }
            int op = code.get(pc * 8) & 0xff;
            int regs = code.get(pc * 8 + 1) & 0xff;
            int dst = regs & 0xf;
            int src = regs >> 4;
            short off = code.getShort(pc * 8 + 2);
            int imm = code.getInt(pc * 8 + 4);
            pc++;
            switch (op) {
                case DeviceFilter.LDX_W -> {
                    if (src != 1) {
                        throw new IllegalStateException("load from r" + src);
                    }
                    r[dst] = ctx.getInt(off) & 0xffffffffL;
                }
                case DeviceFilter.AND32_K -> r[dst] = (r[dst] & imm) & 0xffffffffL;
                case DeviceFilter.RSH32_K -> r[dst] = ((r[dst] & 0xffffffffL) >>> imm) & 0xffffffffL;
                case DeviceFilter.MOV64_X -> r[dst] = r[src];
                case DeviceFilter.MOV64_K -> r[dst] = imm;
                case DeviceFilter.JNE_K -> pc += r[dst] != (long) imm ? off : 0;
                case DeviceFilter.JEQ_K -> pc += r[dst] == (long) imm ? off : 0;
                case DeviceFilter.JNE_X -> pc += r[dst] != r[src] ? off : 0;
                case DeviceFilter.EXIT -> {
                    return r[0];
                }
                default -> throw new IllegalStateException("unexpected opcode " + Integer.toHexString(op));
            }
        }
    }
}
