package io.bulwark.cli.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.cli.CliContext;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.testing.Requirements;
import io.bulwark.vmm.kvm.Kvm;
import io.bulwark.vmm.testkernel.TestKernel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmCommandTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(InputStream stdin, String... args) throws Exception {
        CliContext ctx = new CliContext(tmp, null, "text", false, null, null,
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new VmCommand(stdin).run(ctx, List.of(args));
    }

    private int run(String... args) throws Exception {
        return run(InputStream.nullInputStream(), args);
    }

    private String kernel(String name, byte[] image) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, image);
        return p.toString();
    }

    @Test
    void theGuestStatusBecomesTheExitCode() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        assertEquals(42, run("boot", "--kernel", kernel("k42", TestKernel.exitWith(42))));
        assertEquals(0, run("boot", "--kernel", kernel("k0", TestKernel.exitWith(0))));
    }

    @Test
    void consoleStreamsToStdoutWithCmdlineInitrdMemoryAndVcpus() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        Path initrd = tmp.resolve("initrd");
        Files.write(initrd, new byte[] {1, 2, 3, 4, 5});
        int code = run("boot", "--kernel", kernel("checks", TestKernel.bootChecks(3)), "--initrd", initrd.toString(),
            "--cmdline", "console=ttyS0 hello", "--memory", "96", "--vcpus", "2", "--timeout", "60");
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(3, code, text + err);
        assertTrue(text.contains("cmdline=[console=ttyS0 hello]"), text);
        assertTrue(text.contains("e820: 0000000000100000 0000000005f00000 0000000000000001"), text);
        assertTrue(text.contains(" 0000000000000005 000000000000000f"), "initrd size and sum: " + text);
        assertTrue(text.contains("all checks passed"), text);
    }

    @Test
    void stdinReachesTheGuest() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        int code = run(new ByteArrayInputStream("typed\n".getBytes(StandardCharsets.US_ASCII)),
            "boot", "--kernel", kernel("echo", TestKernel.echo()), "--timeout", "60");
        assertEquals(0, code, err.toString());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("ready\ntyped\n"), out.toString());
    }

    @Test
    void timeoutHasItsOwnExitCodeAndDumpsRegisters() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        int code = run("boot", "--kernel", kernel("spin", TestKernel.spinForever()), "--timeout", "1.5");
        assertEquals(124, code);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("did not end within 1.5 s"), e);
        assertTrue(e.contains("vcpu 0: rip="), e);
    }

    @Test
    void aTripleFaultHasItsOwnExitCode() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        int code = run("boot", "--kernel", kernel("fault", TestKernel.tripleFault()), "--timeout", "60");
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(code == 125 || code == 126, code + " " + e);
        assertTrue(e.contains("rip="), e);
    }

    @Test
    void badInvocationsFailWithClearErrors() throws Exception {
        assertTrue(assertThrows(BulwarkException.class, () -> run("boot")).getMessage().contains("--kernel"));
        assertTrue(assertThrows(BulwarkException.class, () -> run("start")).getMessage().contains("(boot)"));
        BulwarkException missing = assertThrows(BulwarkException.class,
            () -> run("boot", "--kernel", tmp.resolve("nope").toString()));
        assertTrue(missing.getMessage().contains("nope: no such file"), missing.getMessage());
        Path junk = tmp.resolve("junk");
        Files.write(junk, new byte[8192]);
        BulwarkException notKernel = assertThrows(BulwarkException.class, () -> run("boot", "--kernel", junk.toString()));
        assertTrue(notKernel.getMessage().startsWith(junk + ": not a bootable x86-64 bzImage"), notKernel.getMessage());
        assertThrows(BulwarkException.class, () -> run("boot", "--kernel", junk.toString(), "--timeout", "soon"));
        assertThrows(BulwarkException.class, () -> run("boot", "--kernel", junk.toString(), "--vcpus", "x"));
    }
}
