package io.bulwark.cli.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.cli.CliContext;
import io.bulwark.core.BulwarkException;
import io.bulwark.seccomp.bpf.BpfInterpreter;
import io.bulwark.seccomp.bpf.BpfProgram;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeccompCommandTest {
    @TempDir
    Path tmp;

    private String run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        CliContext ctx = new CliContext(tmp, null, "text", false, null, null, ps, ps);
        assertEquals(0, new SeccompCommand().run(ctx, List.of(args)));
        return out.toString(StandardCharsets.UTF_8);
    }

    private Path profile() throws Exception {
        Path p = tmp.resolve("profile.json");
        Files.writeString(p, """
            {"defaultAction": "SCMP_ACT_ALLOW",
             "syscalls": [
               {"names": ["mkdir", "no_such_syscall"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
               {"names": ["personality"], "action": "SCMP_ACT_KILL_PROCESS",
                "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_NE"}]}
             ]}
            """);
        return p;
    }

    @Test
    void compileWritesTheProgramAndPrintsItsSize() throws Exception {
        Path p = profile();
        String out = run("compile", p.toString());
        Path bpf = tmp.resolve("profile.bpf");
        int instructions = BpfProgram.parse(Files.readAllBytes(bpf)).size();
        assertTrue(out.contains(instructions + " BPF instructions (" + instructions * 8 + " bytes)"), out);
        assertTrue(out.contains("ignored (unknown to libseccomp): no_such_syscall"), out);
    }

    @Test
    void compileDefaultWithDump() throws Exception {
        Path out = tmp.resolve("d.bpf");
        String text = run("compile", "-o", out.toString(), "--dump", "default");
        assertTrue(text.startsWith("default: "), text);
        assertTrue(text.contains("0000: "), text);
        BpfInterpreter.of(Files.readAllBytes(out)); // a valid seccomp program
    }

    @Test
    void checkPrintsTheAction() throws Exception {
        Path p = profile();
        assertEquals("SCMP_ACT_ERRNO(13) EACCES", run("check", p.toString(), "mkdir").trim());
        assertEquals("SCMP_ACT_ALLOW", run("check", p.toString(), "personality", "0xffffffff").trim());
        assertEquals("SCMP_ACT_KILL_PROCESS", run("check", p.toString(), "personality", "8").trim());
        assertEquals("SCMP_ACT_ALLOW", run("check", p.toString(), "read", "0", "0", "0").trim());
    }

    @Test
    void checkTheDefaultProfileWithAndWithoutCapabilities() throws Exception {
        assertEquals("SCMP_ACT_ERRNO(1) EPERM", run("check", "default", "mount").trim());
        assertEquals("SCMP_ACT_ALLOW", run("check", "--cap", "SYS_ADMIN", "default", "mount").trim());
        assertEquals("SCMP_ACT_ERRNO(1) EPERM", run("check", "default", "clone", "0x10000000").trim());
        assertEquals("SCMP_ACT_ALLOW", run("check", "default", "clone", "0x11").trim());
        assertEquals("SCMP_ACT_ERRNO(1) EPERM", run("check", "--arch", "SCMP_ARCH_X86", "default", "mount").trim());
        assertEquals("SCMP_ACT_ALLOW", run("check", "--arch", "SCMP_ARCH_X32", "default", "read").trim());
        assertEquals("SCMP_ACT_ERRNO(1) EPERM", run("check", "--arch", "SCMP_ARCH_X32", "default", "mount").trim());
        // a number above every syscall the profile names (x86-64: mseal) answers ENOSYS, as runc does
        assertEquals("SCMP_ACT_ERRNO(38) ENOSYS", run("check", "default", "462").trim());
    }

    @Test
    void verboseCheckAndLinearLayout() throws Exception {
        String tree = run("check", "--verbose", "default", "getppid");
        String linear = run("check", "-v", "--linear", "default", "getppid");
        assertTrue(tree.startsWith("getppid (nr "), tree);
        assertTrue(tree.contains(": SCMP_ACT_ALLOW ("), tree);
        int t = Integer.parseInt(tree.replaceAll("(?s).*\\((\\d+) instructions executed.*", "$1"));
        int l = Integer.parseInt(linear.replaceAll("(?s).*\\((\\d+) instructions executed.*", "$1"));
        assertTrue(t < l, "the binary tree reaches getppid in fewer instructions: " + t + " vs " + l);
        String compiled = run("compile", "--linear", "-o", tmp.resolve("l.bpf").toString(), "default");
        assertTrue(compiled.contains("BPF instructions"), compiled);
    }

    @Test
    void defaultPrintsTheProfileAsJson() throws Exception {
        String json = run("default", "--cap", "CAP_SYS_PTRACE");
        assertTrue(json.contains("\"defaultAction\" : \"SCMP_ACT_ERRNO\""), json);
        assertTrue(json.contains("\"ptrace\""), json);
    }

    @Test
    void badInputIsAClearError() throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
            + "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 9, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}");
        BulwarkException e = assertThrows(BulwarkException.class, () -> run("check", bad.toString(), "read"));
        assertEquals(bad + ": $.syscalls[0].args[0].index: must be 0..5, got 9", e.getMessage());
        BulwarkException unknown = assertThrows(BulwarkException.class,
            () -> run("check", profile().toString(), "no_such_call"));
        assertTrue(unknown.getMessage().contains("no_such_call"), unknown.getMessage());
        assertThrows(BulwarkException.class, () -> run("frob"));
    }
}
