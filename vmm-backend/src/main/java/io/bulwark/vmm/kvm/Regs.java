package io.bulwark.vmm.kvm;

/** struct kvm_regs: the general-purpose registers, rip and rflags. */
public record Regs(long rax, long rbx, long rcx, long rdx, long rsi, long rdi, long rsp, long rbp,
                   long r8, long r9, long r10, long r11, long r12, long r13, long r14, long r15,
                   long rip, long rflags) {

    /** Registers for entering a kernel: everything zero except the given ones (rflags bit 1 is reserved-one). */
    public static Regs entry(long rip, long rsp, long rsi) {
        return new Regs(0, 0, 0, 0, rsi, 0, rsp, rsp, 0, 0, 0, 0, 0, 0, 0, 0, rip, 0x2);
    }

    public byte[] encode() {
        byte[] b = new byte[KvmIoctls.REGS_SIZE];
        long[] v = {rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, r8, r9, r10, r11, r12, r13, r14, r15, rip, rflags};
        for (int i = 0; i < v.length; i++) {
            Structs.put64(b, i * 8, v[i]);
        }
        return b;
    }

    public static Regs decode(byte[] b) {
        long[] v = new long[18];
        for (int i = 0; i < v.length; i++) {
            v[i] = Structs.u64(b, i * 8);
        }
        return new Regs(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13],
            v[14], v[15], v[16], v[17]);
    }

    /** A register dump for error messages. */
    public String dump() {
        return String.format("rip=%016x rsp=%016x rbp=%016x rflags=%08x rax=%016x rbx=%016x rcx=%016x rdx=%016x "
                + "rsi=%016x rdi=%016x r8=%016x r9=%016x r10=%016x r11=%016x r12=%016x r13=%016x r14=%016x r15=%016x",
            rip, rsp, rbp, rflags, rax, rbx, rcx, rdx, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15);
    }
}
