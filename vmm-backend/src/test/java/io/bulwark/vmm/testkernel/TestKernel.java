package io.bulwark.vmm.testkernel;

import static io.bulwark.vmm.testkernel.X86Asm.ADD;
import static io.bulwark.vmm.testkernel.X86Asm.AND;
import static io.bulwark.vmm.testkernel.X86Asm.CMP;
import static io.bulwark.vmm.testkernel.X86Asm.JB;
import static io.bulwark.vmm.testkernel.X86Asm.JE;
import static io.bulwark.vmm.testkernel.X86Asm.JNE;
import static io.bulwark.vmm.testkernel.X86Asm.R12;
import static io.bulwark.vmm.testkernel.X86Asm.R13;
import static io.bulwark.vmm.testkernel.X86Asm.R14;
import static io.bulwark.vmm.testkernel.X86Asm.R15;
import static io.bulwark.vmm.testkernel.X86Asm.RAX;
import static io.bulwark.vmm.testkernel.X86Asm.RBX;
import static io.bulwark.vmm.testkernel.X86Asm.RCX;
import static io.bulwark.vmm.testkernel.X86Asm.RDI;
import static io.bulwark.vmm.testkernel.X86Asm.RDX;
import static io.bulwark.vmm.testkernel.X86Asm.RSI;
import static io.bulwark.vmm.testkernel.X86Asm.RSP;

import io.bulwark.vmm.kvm.Structs;

/**
 * Test kernels: 64-bit machine code wrapped in a bzImage (setup header, protected-mode part whose 64-bit entry is at
 * +0x200), booted exactly like Linux. They check what the boot protocol promises, report through COM1 and end
 * through the exit device. Failures of in-guest checks end with a distinct non-zero status.
 */
public final class TestKernel {
    private TestKernel() {
    }

    public static final int COM1 = 0x3f8;
    public static final int EXIT_PORT = 0x501;
    public static final int CMDLINE_SIZE = 2047;
    public static final int PROTOCOL = 0x020f;
    /** The code starts 0x200 into the protected-mode kernel, which is loaded page-aligned. */
    static final int KERNEL_ENTRY_BIAS = 0x200;

    /** Where the SMP kernel copies its real-mode AP trampoline (SIPI vector 0x10). */
    static final int TRAMPOLINE = 0x10000;
    static final int TRAMPOLINE_TURN = 0x800;

    // In-guest check failure statuses.
    public static final int FAIL_MAGIC = 10;
    public static final int FAIL_LOADER = 11;
    public static final int FAIL_E820 = 12;
    public static final int FAIL_PAGING = 13;
    public static final int FAIL_CS = 14;
    public static final int FAIL_DS = 15;
    public static final int FAIL_GDT = 16;
    public static final int FAIL_MPTABLE = 17;
    public static final int FAIL_SMP = 18;

    /** Wraps 64-bit code (entered at its first byte) into a bzImage. */
    public static byte[] bzImage(byte[] code64) {
        int setupSects = 1;
        byte[] pm = new byte[0x200 + code64.length];
        java.util.Arrays.fill(pm, 0, 0x200, (byte) 0xf4); // the 32-bit entry: halt, nobody should come here
        System.arraycopy(code64, 0, pm, 0x200, code64.length);
        byte[] image = new byte[(setupSects + 1) * 512 + pm.length];
        Structs.put8(image, 0x1f1, setupSects);
        Structs.put32(image, 0x1f4, (pm.length + 15) / 16);
        Structs.put16(image, 0x1fe, 0xaa55);
        Structs.put8(image, 0x200, 0xeb); // jmp over the header, whose end it marks
        Structs.put8(image, 0x201, 0x66);
        Structs.put32(image, 0x202, 0x53726448L);
        Structs.put16(image, 0x206, PROTOCOL);
        Structs.put8(image, 0x211, 0x01); // LOADED_HIGH
        Structs.put32(image, 0x214, 0x100000);
        Structs.put32(image, 0x22c, 0x7fffffffL);
        Structs.put32(image, 0x230, 0x200000);
        Structs.put16(image, 0x236, 0x3); // XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G
        Structs.put32(image, 0x238, CMDLINE_SIZE);
        Structs.put32(image, 0x260, (pm.length + 0xfff) & ~0xfff);
        System.arraycopy(pm, 0, image, (setupSects + 1) * 512, pm.length);
        return image;
    }

    /** Common prologue and the subroutines every kernel uses: puts (rdi), hex (rax), exit (al). */
    static X86Asm start() {
        X86Asm a = new X86Asm();
        a.jmp("main");
        // puts: rdi -> NUL-terminated string. Clobbers rax, rdx, rdi.
        a.label("puts").mov(RDX, COM1);
        a.label("puts.loop").load8(RAX, RDI, 0).aluImm(CMP, RAX, 0).jcc(JE, "puts.done").outDxAl().inc(RDI)
            .jmp("puts.loop");
        a.label("puts.done").ret();
        // hex: rax -> 16 hex digits. Clobbers rax, rbx, rcx, rdx.
        a.label("hex").movReg(RBX, RAX).mov(RCX, 16).mov(RDX, COM1);
        a.label("hex.loop").movReg(RAX, RBX).shr(RAX, 60).aluImm(CMP, RAX, 10).jcc(JB, "hex.digit")
            .aluImm(ADD, RAX, 'a' - 10 - '0');
        a.label("hex.digit").aluImm(ADD, RAX, '0').outDxAl().shl(RBX, 4).dec(RCX).aluImm(CMP, RCX, 0)
            .jcc(JNE, "hex.loop").ret();
        // putc: al
        a.label("putc").mov(RDX, COM1).outDxAl().ret();
        // exit: status in rax; never returns.
        a.label("exit").mov(RDX, EXIT_PORT).outDxAl();
        a.label("exit.hang").hlt().jmp("exit.hang");
        return a;
    }

    static void print(X86Asm a, String label) {
        a.lea(RDI, label).call("puts");
    }

    static void printHex(X86Asm a, String label, int reg) {
        if (reg != RAX) {
            a.movReg(RAX, reg);
        }
        a.push(RAX);
        print(a, label);
        a.pop(RAX).call("hex");
    }

    static void newline(X86Asm a) {
        a.mov(RAX, '\n').call("putc");
    }

    static void failIf(X86Asm a, int cc, int status) {
        String ok = "ok" + a.pc();
        a.jcc(cc ^ 1, ok).mov(RAX, status).jmp("exit").label(ok);
    }

    static void finish(X86Asm a) {
        a.align(16).label("stack").zeros(4096).label("stack.top");
    }

    /**
     * Checks the boot protocol: boot_params through RSI (magic, boot flag, protocol version, loader type,
     * cmdline_size), prints the e820 map, the command line, the initrd's address, size and byte sum, walks the page
     * tables from CR3 and checks the first GiB is identity-mapped, checks CS/DS are __BOOT_CS/__BOOT_DS and their
     * GDT descriptors are flat 64-bit code and data, then exits with {@code status}.
     */
    public static byte[] bootChecks(int status) {
        X86Asm a = start();
        a.label("main").movReg(R15, RSI).lea(RSP, "stack.top");
        print(a, "s.hello");
        printHex(a, "s.rsi", R15);
        newline(a);
        // Header as the loader copied it into boot_params.
        a.load32(RAX, R15, 0x202).aluImm(CMP, RAX, 0x53726448);
        failIf(a, JNE, FAIL_MAGIC);
        a.load16(RAX, R15, 0x1fe).aluImm(CMP, RAX, 0xaa55);
        failIf(a, JNE, FAIL_MAGIC);
        a.load16(RAX, R15, 0x206).aluImm(CMP, RAX, PROTOCOL);
        failIf(a, JNE, FAIL_MAGIC);
        a.load32(RAX, R15, 0x238).aluImm(CMP, RAX, CMDLINE_SIZE);
        failIf(a, JNE, FAIL_MAGIC);
        a.load8(RAX, R15, 0x210).aluImm(CMP, RAX, 0);
        failIf(a, JE, FAIL_LOADER);
        print(a, "s.header");
        // e820: print each entry; check this kernel's own code lies in a RAM entry.
        a.load8(R12, R15, 0x1e8);
        printHex(a, "s.e820n", R12);
        newline(a);
        a.aluImm(CMP, R12, 0);
        failIf(a, JE, FAIL_E820);
        a.lea(R14, "main").mov(R13, 0).movReg(RSI, R15).aluImm(ADD, RSI, 0x2d0); // r13: found own RAM
        a.label("e820.loop");
        a.load64(RAX, RSI, 0);
        a.push(RSI);
        printHex(a, "s.e820", RAX);
        a.pop(RSI).push(RSI);
        a.load64(RAX, RSI, 8);
        printHex(a, "s.space", RAX);
        a.pop(RSI).push(RSI);
        a.load32(RAX, RSI, 16);
        printHex(a, "s.space", RAX);
        newline(a);
        a.pop(RSI);
        a.load32(RAX, RSI, 16).aluImm(CMP, RAX, 1).jcc(JNE, "e820.next");
        a.load64(RAX, RSI, 0).alu(CMP, R14, RAX).jcc(JB, "e820.next");
        a.load64(RBX, RSI, 8).alu(ADD, RAX, RBX).alu(CMP, R14, RAX).jcc(X86Asm.JAE, "e820.next");
        a.mov(R13, 1);
        a.label("e820.next").aluImm(ADD, RSI, 20).dec(R12).aluImm(CMP, R12, 0).jcc(JNE, "e820.loop");
        a.aluImm(CMP, R13, 1);
        failIf(a, JNE, FAIL_E820);
        // Command line.
        print(a, "s.cmdline");
        a.load32(RDI, R15, 0x228).load32(RAX, R15, 0xc8).shl(RAX, 32).alu(X86Asm.OR, RDI, RAX).call("puts");
        a.mov(RAX, ']').call("putc");
        newline(a);
        // Initrd: address, size and the sum of its bytes.
        a.load32(R12, R15, 0x218).load32(R13, R15, 0x21c);
        printHex(a, "s.initrd", R12);
        printHex(a, "s.space", R13);
        a.mov(R14, 0);
        a.aluImm(CMP, R13, 0).jcc(JE, "initrd.done");
        a.label("initrd.loop").load8(RAX, R12, 0).alu(ADD, R14, RAX).inc(R12).dec(R13).aluImm(CMP, R13, 0)
            .jcc(JNE, "initrd.loop");
        a.label("initrd.done");
        printHex(a, "s.space", R14);
        newline(a);
        // Paging: walk PML4[0] -> PDPT[0] -> PD and check 512 identity-mapped 2 MiB pages.
        a.movFromCr(R12, 3);
        printHex(a, "s.cr3", R12);
        newline(a);
        a.aluImm(AND, R12, ~0xfff).load64(R12, R12, 0).aluImm(AND, R12, ~0xfff).load64(R12, R12, 0)
            .aluImm(AND, R12, ~0xfff);
        a.mov(R13, 0).mov(R14, 0); // r13: page index, r14: expected address
        a.label("pd.loop").load64(RAX, R12, 0).movReg(RBX, RAX).aluImm(AND, RBX, 0x81).aluImm(CMP, RBX, 0x81);
        failIf(a, JNE, FAIL_PAGING);
        a.mov(RBX, 0x000fffffffe00000L).alu(AND, RAX, RBX).alu(CMP, RAX, R14);
        failIf(a, JNE, FAIL_PAGING);
        a.aluImm(ADD, R14, 0x200000).aluImm(ADD, R12, 8).inc(R13).aluImm(CMP, R13, 512).jcc(JNE, "pd.loop");
        print(a, "s.paging");
        // Segments and the GDT.
        a.movFromSreg(R12, 1).aluImm(AND, R12, 0xffff);
        a.movFromSreg(R13, 3).aluImm(AND, R13, 0xffff);
        printHex(a, "s.cs", R12);
        printHex(a, "s.ds", R13);
        newline(a);
        a.aluImm(CMP, R12, 0x10);
        failIf(a, JNE, FAIL_CS);
        a.aluImm(CMP, R13, 0x18);
        failIf(a, JNE, FAIL_DS);
        a.lea(RSI, "gdtr").sgdt(RSI, 0).load64(R14, RSI, 2);
        a.movReg(RSI, R14).alu(ADD, RSI, R12).load64(RAX, RSI, 0);
        printHex(a, "s.gdtcs", RAX);
        a.movReg(RSI, R14).alu(ADD, RSI, R13).load64(RAX, RSI, 0);
        printHex(a, "s.gdtds", RAX);
        newline(a);
        // Code: present, code/data, executable, L=1; data: present, writable, not code.
        a.movReg(RSI, R14).alu(ADD, RSI, R12).load64(RAX, RSI, 0).shr(RAX, 40).aluImm(AND, RAX, 0x20f8)
            .aluImm(CMP, RAX, 0x2098);
        failIf(a, JNE, FAIL_GDT);
        a.movReg(RSI, R14).alu(ADD, RSI, R13).load64(RAX, RSI, 0).shr(RAX, 40).aluImm(AND, RAX, 0x9a)
            .aluImm(CMP, RAX, 0x92);
        failIf(a, JNE, FAIL_GDT);
        a.movFromCr(RAX, 0);
        printHex(a, "s.cr0", RAX);
        a.movFromCr(RAX, 4);
        printHex(a, "s.cr4", RAX);
        newline(a);
        print(a, "s.done");
        a.mov(RAX, status).jmp("exit");
        a.label("s.hello").asciz("bulwark test kernel\n");
        a.label("s.rsi").asciz("boot_params=");
        a.label("s.header").asciz("header: ok\n");
        a.label("s.e820n").asciz("e820 entries=");
        a.label("s.e820").asciz("e820: ");
        a.label("s.space").asciz(" ");
        a.label("s.cmdline").asciz("cmdline=[");
        a.label("s.initrd").asciz("initrd: ");
        a.label("s.cr3").asciz("cr3=");
        a.label("s.paging").asciz("paging: first GiB identity-mapped\n");
        a.label("s.cs").asciz("cs=");
        a.label("s.ds").asciz(" ds=");
        a.label("s.gdtcs").asciz("gdt[cs]=");
        a.label("s.gdtds").asciz(" gdt[ds]=");
        a.label("s.cr0").asciz("cr0=");
        a.label("s.cr4").asciz(" cr4=");
        a.label("s.done").asciz("all checks passed\n");
        a.align(8).label("gdtr").zeros(16);
        finish(a);
        return bzImage(a.assemble());
    }

    /** Prints a line, then spins forever in kernel mode (for timeout and kill). */
    public static byte[] spinForever() {
        X86Asm a = start();
        a.label("main").lea(RSP, "stack.top");
        print(a, "s.spin");
        a.label("spin").inc(RAX).jmp("spin");
        a.label("s.spin").asciz("spinning\n");
        finish(a);
        return bzImage(a.assemble());
    }

    /** Ends at once with {@code status} through the exit device. */
    public static byte[] exitWith(int status) {
        X86Asm a = start();
        a.label("main").mov(RAX, status).jmp("exit");
        finish(a);
        return bzImage(a.assemble());
    }

    /** Executes {@code count} port writes to an unclaimed port, then exits 0: a port-I/O round-trip benchmark. */
    public static byte[] portLoop(long count) {
        X86Asm a = start();
        a.label("main").mov(RCX, count).mov(RDX, 0x80);
        a.label("loop").aluImm(CMP, RCX, 0).jcc(JE, "done").outDxAl().dec(RCX).jmp("loop");
        a.label("done").mov(RAX, 0).jmp("exit");
        finish(a);
        return bzImage(a.assemble());
    }

    /** Jumps to a non-canonical address with no usable IDT: #GP, double fault, triple fault. */
    public static byte[] tripleFault() {
        X86Asm a = start();
        a.label("main").mov(RAX, 0x8000000000000000L).db(0xff, 0xe0); // jmp rax
        finish(a);
        return bzImage(a.assemble());
    }

    /**
     * Echoes UART input: enables the receive-data interrupt (IER) and OUT2, then polls LSR; each byte is echoed. On
     * newline it prints the IIR value seen with the data and the PIC's IRR (IRQ 4 is bit 4), and exits 0.
     */
    public static byte[] echo() {
        X86Asm a = start();
        a.label("main").lea(RSP, "stack.top");
        a.mov(RAX, 0x01).mov(RDX, COM1 + 1).outDxAl(); // IER: received data available
        a.mov(RAX, 0x08).mov(RDX, COM1 + 4).outDxAl(); // MCR: OUT2 gates the IRQ line
        print(a, "s.ready");
        a.label("poll").mov(RDX, COM1 + 5).mov(RAX, 0).inAlDx().aluImm(AND, RAX, 1).jcc(JE, "poll");
        a.mov(RDX, COM1 + 2).mov(RAX, 0).inAlDx().movReg(R12, RAX); // IIR
        a.mov(RAX, 0x0a).mov(RDX, 0x20).outDxAl().mov(RAX, 0).inAlDx().movReg(R13, RAX); // OCW3: read IRR
        a.mov(RDX, COM1).mov(RAX, 0).inAlDx();
        a.aluImm(CMP, RAX, '\n').jcc(JE, "eol");
        a.call("putc").jmp("poll");
        a.label("eol");
        newline(a);
        printHex(a, "s.iir", R12);
        printHex(a, "s.irr", R13);
        newline(a);
        a.mov(RAX, 0).jmp("exit");
        a.label("s.ready").asciz("ready\n");
        a.label("s.iir").asciz("iir=");
        a.label("s.irr").asciz(" irr=");
        finish(a);
        return bzImage(a.assemble());
    }

    /**
     * Brings up the application processors as Linux does: counts enabled CPUs in the MP table, copies a real-mode
     * trampoline below 1 MiB, sends INIT and a startup IPI to all others through the local APIC, and waits until
     * each has reported in (in APIC-id order, each reading its id from CPUID).
     */
    public static byte[] smp() {
        X86Asm a = start();
        a.label("main").lea(RSP, "stack.top");
        // Find "_MP_" in the first KiB of the EBDA, else in the BIOS area.
        a.mov(RSI, 0x9fc00).mov(RDI, 0xa0000).call("scan");
        a.aluImm(CMP, RAX, 0).jcc(JNE, "mp.found");
        a.mov(RSI, 0xf0000).mov(RDI, 0x100000).call("scan");
        a.aluImm(CMP, RAX, 0);
        failIf(a, JE, FAIL_MPTABLE);
        a.label("mp.found").load32(RSI, RAX, 4); // configuration table
        a.load16(RCX, RSI, 0x22).aluImm(ADD, RSI, 0x2c).mov(R12, 0); // entries, first entry, cpu count
        a.label("mp.loop").load8(RAX, RSI, 0).aluImm(CMP, RAX, 0).jcc(JNE, "mp.other");
        a.load8(RAX, RSI, 3).aluImm(AND, RAX, 1).aluImm(CMP, RAX, 0).jcc(JE, "mp.disabled").inc(R12);
        a.label("mp.disabled").aluImm(ADD, RSI, 20).jmp("mp.next");
        a.label("mp.other").aluImm(ADD, RSI, 8);
        a.label("mp.next").dec(RCX).aluImm(CMP, RCX, 0).jcc(JNE, "mp.loop");
        printHex(a, "s.cpus", R12);
        newline(a);
        a.aluImm(CMP, R12, 1).jcc(JE, "smp.done");
        // Copy the trampoline and let AP 1 go first.
        a.lea(RSI, "tramp").mov(RDI, TRAMPOLINE).mov(RCX, 0);
        a.label("copy").load8(RAX, RSI, 0).store8(RDI, 0, RAX).inc(RSI).inc(RDI).inc(RCX)
            .aluImm(CMP, RCX, TRAMPOLINE_TURN).jcc(JNE, "copy");
        a.mov(RDI, TRAMPOLINE).mov(RAX, 1).store8(RDI, TRAMPOLINE_TURN, RAX);
        // Map the local APIC (the boot tables cover only the first GiB): PDPT[3] -> our PD with one 2 MiB page.
        a.movFromCr(RAX, 3).aluImm(AND, RAX, ~0xfff).load64(RAX, RAX, 0).aluImm(AND, RAX, ~0xfff);
        a.lea(RBX, "lapic.pd").movReg(RCX, RBX).aluImm(X86Asm.OR, RCX, 3).store64(RAX, 3 * 8, RCX);
        a.mov(RCX, 0xfee00000L | 0x9b).store64(RBX, ((0xfee00000 >> 21) & 511) * 8, RCX); // P, RW, PWT, PCD, PS
        // INIT, then SIPI (vector = trampoline page), to all excluding self.
        a.mov(RDI, 0xfee00000L).mov(RAX, 0x000c4500).store32(RDI, 0x300, RAX);
        a.mov(RCX, 1000).label("d1").dec(RCX).aluImm(CMP, RCX, 0).jcc(JNE, "d1");
        a.mov(RAX, 0x000c4600 | (TRAMPOLINE >> 12)).store32(RDI, 0x300, RAX);
        // Wait (bounded) for every AP.
        a.mov(RCX, 3_000_000).mov(RDI, TRAMPOLINE);
        a.label("wait").load8(RAX, RDI, TRAMPOLINE_TURN).alu(CMP, RAX, R12).jcc(JE, "smp.done").dec(RCX)
            .aluImm(CMP, RCX, 0).jcc(JNE, "wait");
        a.load8(RAX, RDI, TRAMPOLINE_TURN);
        printHex(a, "s.stuck", RAX);
        newline(a);
        a.mov(RAX, FAIL_SMP).jmp("exit");
        a.label("smp.done");
        printHex(a, "s.up", R12);
        newline(a);
        a.mov(RAX, 0).jmp("exit");
        // scan [rsi, rdi) in 16-byte steps for "_MP_"; rax = address or 0.
        a.label("scan").load32(RAX, RSI, 0).aluImm(CMP, RAX, 0x5f504d5f).jcc(JE, "scan.hit").aluImm(ADD, RSI, 16)
            .alu(CMP, RSI, RDI).jcc(JB, "scan").mov(RAX, 0).ret();
        a.label("scan.hit").movReg(RAX, RSI).ret();
        a.label("s.cpus").asciz("mptable cpus=");
        a.label("s.up").asciz("smp: all cpus up, count=");
        a.label("s.stuck").asciz("smp: stuck at turn=");
        a.align(16).label("tramp").db(realModeTrampoline());
        a.zeros(TRAMPOLINE_TURN);
        a.align(4096, KERNEL_ENTRY_BIAS).label("lapic.pd").zeros(4096);
        finish(a);
        return bzImage(a.assemble());
    }

    /** 16-bit code an AP runs after SIPI: waits for its turn, prints "cpu N up", passes the turn on, halts. */
    static int[] realModeTrampoline() {
        java.util.List<Integer> c = new java.util.ArrayList<>();
        int[] head = {
            0x8c, 0xc8, // mov ax, cs
            0x8e, 0xd8, // mov ds, ax
            0x66, 0xb8, 1, 0, 0, 0, // mov eax, 1
            0x0f, 0xa2, // cpuid
            0x66, 0xc1, 0xeb, 24, // shr ebx, 24: initial APIC id
            0xa0, TRAMPOLINE_TURN & 0xff, TRAMPOLINE_TURN >> 8, // wait: mov al, [turn]
            0x38, 0xd8, // cmp al, bl
            0x75, 0xf9, // jne wait
            0xba, COM1 & 0xff, COM1 >> 8, // mov dx, COM1
        };
        for (int b : head) {
            c.add(b);
        }
        for (char ch : "cpu ".toCharArray()) {
            c.add(0xb0);
            c.add((int) ch);
            c.add(0xee);
        }
        int[] id = {0x88, 0xd8, 0x04, '0', 0xee}; // mov al, bl; add al, '0'; out dx, al
        for (int b : id) {
            c.add(b);
        }
        for (char ch : " up\n".toCharArray()) {
            c.add(0xb0);
            c.add((int) ch);
            c.add(0xee);
        }
        int[] tail = {
            0xfe, 0xc3, // inc bl
            0x88, 0x1e, TRAMPOLINE_TURN & 0xff, TRAMPOLINE_TURN >> 8, // mov [turn], bl
            0xfa, 0xf4, 0xeb, 0xfc, // cli; hlt; jmp back to cli
        };
        for (int b : tail) {
            c.add(b);
        }
        return c.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Bytes' sum as the guest computes it. */
    public static long byteSum(byte[] data) {
        long s = 0;
        for (byte b : data) {
            s += b & 0xff;
        }
        return s;
    }
}
