package io.bulwark.seccomp.bpf;

import static io.bulwark.seccomp.bpf.BpfInstruction.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BpfInterpreterTest {
    private static final int X86_64 = 0xc000003e;
    private static final int ALLOW = 0x7fff0000;

    private static Verdict eval(List<BpfInstruction> prog, SeccompData d) {
        return new BpfInterpreter(new BpfProgram(prog)).evaluate(d);
    }

    @Test
    void archCheckThenSyscallDispatch() {
        List<BpfInstruction> p = List.of(
            stmt(LD | W | ABS, SeccompData.OFFSET_ARCH),
            jump(JMP | JEQ | K, X86_64, 1, 0),
            stmt(RET | K, 0x80000000),
            stmt(LD | W | ABS, SeccompData.OFFSET_NR),
            jump(JMP | JEQ | K, 110, 0, 1),
            stmt(RET | K, 0x00050000 | 42),
            stmt(RET | K, ALLOW));
        assertEquals(Verdict.errno(42), eval(p, SeccompData.of(X86_64, 110)));
        assertEquals(Verdict.of(SeccompAction.ALLOW), eval(p, SeccompData.of(X86_64, 39)));
        assertEquals(Verdict.of(SeccompAction.KILL_PROCESS), eval(p, SeccompData.of(0x40000003, 110)));
    }

    @Test
    void argumentsAreLoadedAsLowAndHighWords() {
        SeccompData d = SeccompData.of(X86_64, 1, 0x1122334455667788L, -1L);
        assertEquals(0x55667788, d.word(16));
        assertEquals(0x11223344, d.word(20));
        assertEquals(-1, d.word(28));
        assertEquals(0, d.word(60));
        List<BpfInstruction> p = List.of(
            stmt(LD | W | ABS, 20),
            jump(JMP | JGT | K, 0x11223343, 0, 1),
            stmt(RET | K, ALLOW),
            stmt(RET | K, 0x00030000));
        assertEquals(Verdict.of(SeccompAction.ALLOW), eval(p, d));
    }

    @Test
    void aluScratchMemoryAndRegisterTransfers() {
        List<BpfInstruction> p = List.of(
            stmt(LD | IMM, 6),
            stmt(ALU | MUL | K, 7),          // 42
            stmt(ST, 3),
            stmt(LDX | IMM, 2),
            stmt(ALU | DIV | X, 0),          // 21
            stmt(ALU | LSH | K, 4),          // 336
            stmt(ALU | RSH | K, 2),          // 84
            stmt(ALU | OR | K, 1),           // 85
            stmt(ALU | AND | K, 0xfd),       // 85 & 0xfd = 85
            stmt(ALU | XOR | K, 0x55),       // 0
            stmt(ALU | ADD | K, 10),         // 10
            stmt(ALU | SUB | X, 0),          // 8
            stmt(ALU | NEG, 0),              // -8
            stmt(MISC | TAX, 0),
            stmt(LD | MEM, 3),               // 42
            stmt(ALU | ADD | X, 0),          // 34
            stmt(MISC | TAX, 0),
            stmt(STX, 5),
            stmt(LD | IMM, 0),
            stmt(LDX | MEM, 5),
            stmt(MISC | TXA, 0),             // 34 again
            stmt(ALU | OR | K, 0x00050000),
            stmt(RET | A, 0));
        assertEquals(Verdict.errno(34), eval(p, SeccompData.of(X86_64, 0)));
    }

    @Test
    void jsetJgeAndUnconditionalJumps() {
        List<BpfInstruction> p = List.of(
            stmt(LD | W | ABS, 16),
            jump(JMP | JSET | K, 0x10000000, 0, 2),
            stmt(JMP | JA, 2),
            stmt(RET | K, 0),                          // skipped
            stmt(RET | K, ALLOW),
            jump(JMP | JGE | K, 5, 0, 1),
            stmt(RET | K, 0x7ffc0000),
            stmt(RET | K, 0x00050001));
        assertEquals(Verdict.of(SeccompAction.LOG), eval(p, SeccompData.of(X86_64, 0, 0x10000000L)));
        assertEquals(Verdict.of(SeccompAction.ALLOW), eval(p, SeccompData.of(X86_64, 0, 1)));
    }

    @Test
    void returnValuesDecodeAsTheKernelDoes() {
        assertEquals(Verdict.of(SeccompAction.KILL_PROCESS), Verdict.decode(0x80000000));
        assertEquals(Verdict.of(SeccompAction.KILL_THREAD), Verdict.decode(0));
        assertEquals(Verdict.of(SeccompAction.TRAP), Verdict.decode(0x00030005));
        assertEquals(new Verdict(SeccompAction.TRACE, 9), Verdict.decode(0x7ff00009));
        assertEquals(Verdict.of(SeccompAction.NOTIFY), Verdict.decode(0x7fc00000));
        assertEquals(Verdict.of(SeccompAction.KILL_PROCESS), Verdict.decode(0x12340000)); // unknown action
        assertEquals("SCMP_ACT_ERRNO(1) EPERM", Verdict.errno(1).toString());
    }

    @Test
    void bytesRoundTrip() {
        BpfProgram p = new BpfProgram(List.of(stmt(LD | W | ABS, 4), jump(JMP | JEQ | K, 7, 0, 0), stmt(RET | K, ALLOW)));
        assertArrayEquals(p.toBytes(), BpfProgram.parse(p.toBytes()).toBytes());
        assertEquals(p.instructions(), BpfProgram.parse(p.toBytes()).instructions());
    }

    @Test
    void rejectsWhatTheKernelRejects() {
        assertThrows(BulwarkException.class, () -> BpfProgram.parse(new byte[0]));
        assertThrows(BulwarkException.class, () -> BpfProgram.parse(new byte[12]));
        assertThrows(BulwarkException.class, () -> new BpfProgram(List.of(stmt(LD | W | ABS, 0))));     // no return
        assertThrows(BulwarkException.class, () -> new BpfProgram(List.of(stmt(LD | W | ABS, 2), stmt(RET | K, 0))));
        assertThrows(BulwarkException.class, () -> new BpfProgram(List.of(stmt(LD | W | ABS, 64), stmt(RET | K, 0))));
        assertThrows(BulwarkException.class, () -> new BpfProgram(List.of(stmt(LD | B | ABS, 0), stmt(RET | K, 0))));
        assertThrows(BulwarkException.class, () -> new BpfProgram(List.of(jump(JMP | JEQ | K, 0, 5, 0), stmt(RET | K, 0))));
        assertThrows(BulwarkException.class, () -> new BpfProgram(List.of(stmt(JMP | JA, 1), stmt(RET | K, 0))));
        assertThrows(BulwarkException.class, () -> new BpfProgram(List.of(stmt(ALU | DIV | K, 0), stmt(RET | K, 0))));
        assertThrows(BulwarkException.class, () -> new BpfProgram(List.of(stmt(ST, 16), stmt(RET | K, 0))));
        List<BpfInstruction> tooLong = new ArrayList<>();
        for (int i = 0; i <= BpfProgram.MAX_INSTRUCTIONS; i++) {
            tooLong.add(stmt(RET | K, 0));
        }
        BulwarkException e = assertThrows(BulwarkException.class, () -> new BpfProgram(tooLong));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
    }

    @Test
    void countsExecutedInstructions() {
        BpfProgram p = new BpfProgram(List.of(stmt(LD | W | ABS, 0), jump(JMP | JEQ | K, 1, 0, 1), stmt(RET | K, 0),
            stmt(RET | K, ALLOW)));
        assertEquals(3, new BpfInterpreter(p).run(SeccompData.of(X86_64, 2)).executed());
    }
}
