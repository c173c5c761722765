package io.bulwark.vmm.testkernel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny x86-64 assembler for test kernels: the handful of instructions they use (mov, alu, shifts, port I/O,
 * jumps, call/ret, control-register reads), 64-bit register operands and [base+disp32] memory operands, with
 * labels resolved as rel32. Only instructions that a simple instruction emulator handles are offered.
 */
public final class X86Asm {
    public static final int RAX = 0;
    public static final int RCX = 1;
    public static final int RDX = 2;
    public static final int RBX = 3;
    public static final int RSP = 4;
    public static final int RBP = 5;
    public static final int RSI = 6;
    public static final int RDI = 7;
    public static final int R8 = 8;
    public static final int R9 = 9;
    public static final int R10 = 10;
    public static final int R11 = 11;
    public static final int R12 = 12;
    public static final int R13 = 13;
    public static final int R14 = 14;
    public static final int R15 = 15;

    public static final int ADD = 0;
    public static final int OR = 1;
    public static final int AND = 4;
    public static final int SUB = 5;
    public static final int XOR = 6;
    public static final int CMP = 7;

    public static final int JB = 0x2;
    public static final int JAE = 0x3;
    public static final int JE = 0x4;
    public static final int JNE = 0x5;
    public static final int JBE = 0x6;
    public static final int JA = 0x7;

    private record Fixup(int at, String label, int end) {
    }

    private final ByteArrayOutputStream code = new ByteArrayOutputStream();
    private final Map<String, Integer> labels = new HashMap<>();
    private final List<Fixup> fixups = new ArrayList<>();

    public int pc() {
        return code.size();
    }

    public X86Asm label(String name) {
        if (labels.put(name, pc()) != null) {
            throw new IllegalArgumentException("label defined twice: " + name);
        }
        return this;
    }

    public X86Asm db(int... bytes) {
        for (int b : bytes) {
            code.write(b);
        }
        return this;
    }

    public X86Asm ascii(String s) {
        code.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    public X86Asm asciz(String s) {
        return ascii(s).db(0);
    }

    public X86Asm zeros(int n) {
        code.writeBytes(new byte[n]);
        return this;
    }

    public X86Asm align(int n) {
        while (pc() % n != 0) {
            db(0);
        }
        return this;
    }

    /** Pads until {@code (pc + bias) % n == 0}: aligns a physical address when the code is loaded at bias mod n. */
    public X86Asm align(int n, int bias) {
        while ((pc() + bias) % n != 0) {
            db(0);
        }
        return this;
    }

    private void rex(boolean w, int reg, int rm) {
        int rex = 0x40 | (w ? 8 : 0) | ((reg >> 3) << 2) | (rm >> 3);
        if (rex != 0x40) {
            db(rex);
        }
    }

    private void modrmReg(int reg, int rm) {
        db(0xc0 | ((reg & 7) << 3) | (rm & 7));
    }

    private void modrmMem(int reg, int base, int disp) {
        db(0x80 | ((reg & 7) << 3) | (base & 7));
        if ((base & 7) == RSP) {
            db(0x24);
        }
        imm32(disp);
    }

    private void imm32(long v) {
        for (int i = 0; i < 4; i++) {
            db((int) (v >>> (8 * i)) & 0xff);
        }
    }

    /** mov reg, imm (zero-extended imm32 when it fits, else imm64). */
    public X86Asm mov(int reg, long imm) {
        if (imm >= 0 && imm <= 0xffffffffL) {
            rex(false, 0, reg);
            db(0xb8 + (reg & 7));
            imm32(imm);
        } else {
            rex(true, 0, reg);
            db(0xb8 + (reg & 7));
            imm32(imm);
            imm32(imm >>> 32);
        }
        return this;
    }

    public X86Asm movReg(int dst, int src) {
        rex(true, src, dst);
        db(0x89);
        modrmReg(src, dst);
        return this;
    }

    /** dst = qword [base + disp]. */
    public X86Asm load64(int dst, int base, int disp) {
        rex(true, dst, base);
        db(0x8b);
        modrmMem(dst, base, disp);
        return this;
    }

    /** dst = dword [base + disp], zero-extended. */
    public X86Asm load32(int dst, int base, int disp) {
        rex(false, dst, base);
        db(0x8b);
        modrmMem(dst, base, disp);
        return this;
    }

    /** dst = word [base + disp], zero-extended. */
    public X86Asm load16(int dst, int base, int disp) {
        rex(false, dst, base);
        db(0x0f, 0xb7);
        modrmMem(dst, base, disp);
        return this;
    }

    /** dst = byte [base + disp], zero-extended. */
    public X86Asm load8(int dst, int base, int disp) {
        rex(false, dst, base);
        db(0x0f, 0xb6);
        modrmMem(dst, base, disp);
        return this;
    }

    public X86Asm store64(int base, int disp, int src) {
        rex(true, src, base);
        db(0x89);
        modrmMem(src, base, disp);
        return this;
    }

    public X86Asm store32(int base, int disp, int src) {
        rex(false, src, base);
        db(0x89);
        modrmMem(src, base, disp);
        return this;
    }

    /** byte [base + disp] = low byte of src (src must be rax, rcx, rdx or rbx). */
    public X86Asm store8(int base, int disp, int src) {
        if (src > RBX) {
            throw new IllegalArgumentException("store8 takes al, cl, dl or bl");
        }
        rex(false, src, base);
        db(0x88);
        modrmMem(src, base, disp);
        return this;
    }

    public X86Asm alu(int op, int dst, int src) {
        rex(true, src, dst);
        db(op * 8 + 1);
        modrmReg(src, dst);
        return this;
    }

    public X86Asm aluImm(int op, int reg, int imm) {
        rex(true, 0, reg);
        db(0x81);
        modrmReg(op, reg);
        imm32(imm);
        return this;
    }

    public X86Asm shl(int reg, int count) {
        rex(true, 0, reg);
        db(0xc1);
        modrmReg(4, reg);
        return db(count);
    }

    public X86Asm shr(int reg, int count) {
        rex(true, 0, reg);
        db(0xc1);
        modrmReg(5, reg);
        return db(count);
    }

    public X86Asm inc(int reg) {
        rex(true, 0, reg);
        db(0xff);
        modrmReg(0, reg);
        return this;
    }

    public X86Asm dec(int reg) {
        rex(true, 0, reg);
        db(0xff);
        modrmReg(1, reg);
        return this;
    }

    public X86Asm push(int reg) {
        rex(false, 0, reg);
        return db(0x50 + (reg & 7));
    }

    public X86Asm pop(int reg) {
        rex(false, 0, reg);
        return db(0x58 + (reg & 7));
    }

    public X86Asm pushf() {
        return db(0x9c);
    }

    /** mov dst, crN. */
    public X86Asm movFromCr(int dst, int cr) {
        rex(false, 0, dst);
        db(0x0f, 0x20);
        modrmReg(cr, dst);
        return this;
    }

    /** mov dst32, sreg (es=0, cs=1, ss=2, ds=3), zero-extended. */
    public X86Asm movFromSreg(int dst, int sreg) {
        rex(false, 0, dst);
        db(0x8c);
        modrmReg(sreg, dst);
        return this;
    }

    /** sgdt [base + disp]: limit (2 bytes) then base (8 bytes). */
    public X86Asm sgdt(int base, int disp) {
        rex(false, 0, base);
        db(0x0f, 0x01);
        modrmMem(0, base, disp);
        return this;
    }

    /** lea dst, [rip + label]. */
    public X86Asm lea(int dst, String label) {
        rex(true, dst, 0);
        db(0x8d, 0x05 | ((dst & 7) << 3));
        rel32(label);
        return this;
    }

    public X86Asm cpuid() {
        return db(0x0f, 0xa2);
    }

    public X86Asm outDxAl() {
        return db(0xee);
    }

    public X86Asm inAlDx() {
        return db(0xec);
    }

    public X86Asm hlt() {
        return db(0xf4);
    }

    public X86Asm cli() {
        return db(0xfa);
    }

    public X86Asm ret() {
        return db(0xc3);
    }

    public X86Asm jmp(String label) {
        db(0xe9);
        return rel32(label);
    }

    public X86Asm jcc(int cc, String label) {
        db(0x0f, 0x80 + cc);
        return rel32(label);
    }

    public X86Asm call(String label) {
        db(0xe8);
        return rel32(label);
    }

    private X86Asm rel32(String label) {
        int at = pc();
        imm32(0);
        fixups.add(new Fixup(at, label, pc()));
        return this;
    }

    public byte[] assemble() {
        byte[] b = code.toByteArray();
        for (Fixup f : fixups) {
            Integer target = labels.get(f.label());
            if (target == null) {
                throw new IllegalStateException("undefined label " + f.label());
            }
            int rel = target - f.end();
            for (int i = 0; i < 4; i++) {
                b[f.at() + i] = (byte) (rel >>> (8 * i));
            }
        }
        return b;
    }
}
