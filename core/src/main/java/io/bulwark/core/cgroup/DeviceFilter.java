package io.bulwark.core.cgroup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles device rules into an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE, the cgroup v2 replacement for
 * devices.allow/deny. The kernel runs it on every device open and mknod with a {@code struct bpf_cgroup_dev_ctx}
 * ({@code u32 access_type} = access << 16 | type, {@code u32 major}, {@code u32 minor}); it returns 1 to allow.
 * Rules are tested from the last to the first so that the last matching rule decides, as in
 * {@link DeviceRules#permits}; no match denies.
 */
public final class DeviceFilter {
    public static final int BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    public static final int BPF_CGROUP_DEVICE = 6;
    public static final int BPF_F_ALLOW_MULTI = 2;
    public static final String LICENSE = "Apache";

    static final int DEV_BLOCK = 1;
    static final int DEV_CHAR = 2;
    static final int ACC_MKNOD = 1;
    static final int ACC_READ = 2;
    static final int ACC_WRITE = 4;

    // Opcodes (class | size/op | source) used by the generated code.
    static final int LDX_W = 0x61;     // BPF_LDX | BPF_MEM | BPF_W
    static final int AND32_K = 0x54;   // BPF_ALU | BPF_AND | BPF_K
    static final int RSH32_K = 0x74;   // BPF_ALU | BPF_RSH | BPF_K
    static final int MOV64_X = 0xbf;   // BPF_ALU64 | BPF_MOV | BPF_X
    static final int MOV64_K = 0xb7;   // BPF_ALU64 | BPF_MOV | BPF_K
    static final int JNE_K = 0x55;     // BPF_JMP | BPF_JNE | BPF_K
    static final int JNE_X = 0x5d;     // BPF_JMP | BPF_JNE | BPF_X
    static final int JEQ_K = 0x15;     // BPF_JMP | BPF_JEQ | BPF_K
    static final int EXIT = 0x95;      // BPF_JMP | BPF_EXIT

    private DeviceFilter() {
    }

    /** One instruction: {@code off} is a jump distance in instructions. */
    record Insn(int code, int dst, int src, int off, int imm) {
        void encode(ByteBuffer b) {
            b.put((byte) code).put((byte) ((src << 4) | dst)).putShort((short) off).putInt(imm);
        }
    }

    /** The program's instructions, 8 bytes each, little-endian as the kernel reads them on x86-64 and arm64. */
    public static byte[] compile(List<DeviceAccess> rules) {
        List<Insn> code = instructions(rules);
        ByteBuffer b = ByteBuffer.allocate(code.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        code.forEach(i -> i.encode(b));
        return b.array();
    }

    static List<Insn> instructions(List<DeviceAccess> rules) {
        List<Insn> code = new ArrayList<>();
        // r2 = device type, r3 = requested access, r4 = major, r5 = minor
        code.add(new Insn(LDX_W, 2, 1, 0, 0));
        code.add(new Insn(AND32_K, 2, 0, 0, 0xffff));
        code.add(new Insn(LDX_W, 3, 1, 0, 0));
        code.add(new Insn(RSH32_K, 3, 0, 0, 16));
        code.add(new Insn(LDX_W, 4, 1, 4, 0));
        code.add(new Insn(LDX_W, 5, 1, 8, 0));
        for (int i = rules.size() - 1; i >= 0; i--) {
            DeviceAccess rule = rules.get(i);
            code.addAll(block(rule));
            if (rule.matchesEverything()) {
                return code; // this rule decides every request: earlier rules can never be reached
            }
        }
        code.add(new Insn(MOV64_K, 0, 0, 0, 0));
        code.add(new Insn(EXIT, 0, 0, 0, 0));
        return code;
    }

    /** The instructions testing one rule; each failed test jumps past the block to the next rule. */
    private static List<Insn> block(DeviceAccess rule) {
        List<Insn> tests = new ArrayList<>();
        if (rule.type() != 'a') {
            tests.add(new Insn(JNE_K, 2, 0, -1, rule.type() == 'b' ? DEV_BLOCK : DEV_CHAR));
        }
        int mask = accessMask(rule.access());
        if (rule.allow() && mask != (ACC_MKNOD | ACC_READ | ACC_WRITE)) {
            // allow only when every requested bit is in the rule: (r3 & mask) == r3
            tests.add(new Insn(MOV64_X, 1, 3, 0, 0));
            tests.add(new Insn(AND32_K, 1, 0, 0, mask));
            tests.add(new Insn(JNE_X, 1, 3, -1, 0));
        } else if (!rule.allow() && mask != (ACC_MKNOD | ACC_READ | ACC_WRITE)) {
            // deny as soon as any requested bit is in the rule: (r3 & mask) != 0
            tests.add(new Insn(MOV64_X, 1, 3, 0, 0));
            tests.add(new Insn(AND32_K, 1, 0, 0, mask));
            tests.add(new Insn(JEQ_K, 1, 0, -1, 0));
        }
        if (rule.major() != DeviceAccess.WILDCARD) {
            tests.add(new Insn(JNE_K, 4, 0, -1, (int) rule.major()));
        }
        if (rule.minor() != DeviceAccess.WILDCARD) {
            tests.add(new Insn(JNE_K, 5, 0, -1, (int) rule.minor()));
        }
        List<Insn> out = new ArrayList<>();
        int total = tests.size() + 2;
        for (int i = 0; i < tests.size(); i++) {
            Insn t = tests.get(i);
            out.add(t.off() == -1 ? new Insn(t.code(), t.dst(), t.src(), total - i - 1, t.imm()) : t);
        }
        out.add(new Insn(MOV64_K, 0, 0, 0, rule.allow() ? 1 : 0));
        out.add(new Insn(EXIT, 0, 0, 0, 0));
        return out;
    }

    static int accessMask(String access) {
        int m = 0;
        if (access.indexOf('m') >= 0) {
            m |= ACC_MKNOD;
        }
        if (access.indexOf('r') >= 0) {
            m |= ACC_READ;
        }
        if (access.indexOf('w') >= 0) {
            m |= ACC_WRITE;
        }
        return m;
    }

    /** A readable listing, one instruction a line, for error messages and debugging. */
    public static String disassemble(byte[] program) {
        StringBuilder b = new StringBuilder();
        ByteBuffer buf = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        for (int pc = 0; buf.remaining() >= 8; pc++) {
            int code = buf.get() & 0xff;
            int regs = buf.get() & 0xff;
            short off = buf.getShort();
            int imm = buf.getInt();
            b.append(String.format("%3d: code=%02x dst=r%d src=r%d off=%d imm=%d%n", pc, code, regs & 0xf, regs >> 4,
                off, imm));
        }
        return b.toString();
    }
}
