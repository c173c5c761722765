package io.bulwark.cli.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.cli.CliContext;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.testing.Requirements;
import io.bulwark.vmm.kvm.Kvm;
import io.bulwark.vmm.testkernel.TestKernel;
import io.bulwark.cli.Invocation;
import io.bulwark.cli.SignalSource;
import io.bulwark.core.backend.Stdio;
import io.bulwark.vmm.kvm.NativeSyscalls;
import io.bulwark.vmm.kvm.Syscalls;
import io.bulwark.vmm.process.VmmJail;
import io.bulwark.vmm.process.VmmMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark vm boot} with its stdio on files, as the command line or the resident server hands them over: the
 * guest runs in a separate, confined VMM process.
 */
class VmCommandTest {
    @TempDir
    Path tmp;

    private final Syscalls sys = NativeSyscalls.get();
    /** What the command and its VMM wrote to stdout and stderr in the last run. */
    private String out = "";
    private String err = "";
    /** The handler the command installed for the signals it passes on (a test double for the caller's signals). */
    private volatile IntConsumer signals;
    private int runs;

    private int run(byte[] stdin, String... args) throws Exception {
        int n = ++runs;
        Path in = Files.write(tmp.resolve("stdin" + n), stdin);
        Path o = Files.createFile(tmp.resolve("stdout" + n));
        Path e = Files.createFile(tmp.resolve("stderr" + n));
        int inFd = sys.open(in.toString(), Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
        int outFd = sys.open(o.toString(), 1 | Syscalls.O_CLOEXEC);
        int errFd = sys.open(e.toString(), 1 | Syscalls.O_CLOEXEC);
        ByteArrayOutputStream cliOut = new ByteArrayOutputStream();
        ByteArrayOutputStream cliErr = new ByteArrayOutputStream();
        SignalSource source = (names, handler) -> signals = handler;
        CliContext ctx = new CliContext(tmp, null, "text", false, null, null,
            new PrintStream(cliOut, true, StandardCharsets.UTF_8), new PrintStream(cliErr, true, StandardCharsets.UTF_8),
            new Invocation(new Stdio(inFd, outFd, errFd), source, UnaryOperator.identity()));
        try {
            return new VmCommand().run(ctx, List.of(args));
        } finally {
            sys.close(inFd);
            sys.close(outFd);
            sys.close(errFd);
            out = cliOut.toString(StandardCharsets.UTF_8) + Files.readString(o);
            err = cliErr.toString(StandardCharsets.UTF_8) + Files.readString(e);
            assertEquals(List.of(), vmmChildren(), "no VMM process left behind");
        }
    }

    private int run(String... args) throws Exception {
        return run(new byte[0], args);
    }

    /** The VMM processes this JVM started and has not reaped. */
    private static List<ProcessHandle> vmmChildren() {
        return ProcessHandle.current().children()
            .filter(p -> p.info().arguments().map(a -> List.of(a).contains(VmmMain.class.getName())).orElse(false))
            .toList();
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
        String text = out;
        assertEquals(3, code, text + err);
        assertTrue(text.contains("cmdline=[console=ttyS0 hello]"), text);
        assertTrue(text.contains("e820: 0000000000100000 0000000005f00000 0000000000000001"), text);
        assertTrue(text.contains(" 0000000000000005 000000000000000f"), "initrd size and sum: " + text);
        assertTrue(text.contains("all checks passed"), text);
    }

    @Test
    void stdinReachesTheGuest() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        int code = run("typed\n".getBytes(StandardCharsets.US_ASCII), "boot", "--kernel", kernel("echo", TestKernel.echo()), "--timeout", "60");
        assertEquals(0, code, err);
        assertTrue(out.contains("ready\ntyped\n"), out);
    }

    @Test
    void timeoutHasItsOwnExitCodeAndDumpsRegisters() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        int code = run("boot", "--kernel", kernel("spin", TestKernel.spinForever()), "--timeout", "1.5");
        assertEquals(124, code);
        String e = err;
        assertTrue(e.contains("did not end within 1.5 s"), e);
        assertTrue(e.contains("vcpu 0: rip="), e);
    }

    @Test
    void aTripleFaultHasItsOwnExitCode() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        int code = run("boot", "--kernel", kernel("fault", TestKernel.tripleFault()), "--timeout", "60");
        String e = err;
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

    /** Runs {@code vm boot} of a guest that spins forever on another thread, once its VMM runs guest code. */
    private record Running(Future<Integer> exit, ProcessHandle vmm, Path stateDir) {
    }

    private Running bootSpinning(ExecutorService pool) throws Exception {
        String k = kernel("spin" + runs, TestKernel.spinForever());
        Path stdout = tmp.resolve("stdout" + (runs + 1));
        Future<Integer> exit = pool.submit(() -> run("boot", "--kernel", k));
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline
                && (vmmChildren().isEmpty() || !Files.exists(stdout) || !Files.readString(stdout).contains("spinning"))) {
            if (exit.isDone()) {
                throw new AssertionError("vm boot ended early with " + exit.get() + ": " + out + err);
            }
            Thread.sleep(20);
        }
        List<ProcessHandle> vmms = vmmChildren();
        assertEquals(1, vmms.size(), "one VMM process");
        List<String> args = List.of(vmms.get(0).info().arguments().orElseThrow());
        Path state = Path.of(args.get(args.indexOf("--state") + 1));
        return new Running(exit, vmms.get(0), state);
    }

    /** What the process holds open besides stdio, the JVM's jars and its pipes, event and anonymous files. */
    private static List<String> openFiles(Path proc) throws Exception {
        List<String> files = new java.util.ArrayList<>();
        try (var s = Files.list(proc.resolve("fd"))) {
            for (Path fd : s.toList()) {
                int n = Integer.parseInt(fd.getFileName().toString());
                String target = Files.readSymbolicLink(fd).toString();
                if (n > 2 && target.startsWith("/") && !target.endsWith(".jar") && !target.endsWith("/modules")
                        && !target.startsWith("/dev/urandom") && !target.startsWith("/dev/random")) {
                    files.add(target);
                }
            }
        }
        return files;
    }

    private static Map<String, String> status(Path procDir) throws Exception {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(procDir.resolve("status"))) {
            int colon = line.indexOf(':');
            m.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return m;
    }

    @Test
    void theGuestRunsInAConfinedVmmThatACallersSignalStops() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Running r = bootSpinning(pool);
            assertTrue(Files.isDirectory(r.stateDir()), r.stateDir().toString());
            Path proc = Path.of("/proc/" + r.vmm().pid());
            Map<String, String> st = status(proc);
            assertEquals("1", st.get("NoNewPrivs"), st.toString());
            assertEquals(0, Long.parseLong(st.get("CapBnd"), 16), st.toString());
            assertEquals(0, Long.parseLong(st.get("CapEff"), 16), st.toString());
            assertEquals(0, Long.parseLong(st.get("CapPrm"), 16), st.toString());
            String id = Long.toString(VmmJail.DEFAULT_ID);
            assertEquals(List.of(id, id, id, id), List.of(st.get("Uid").split("\\s+")), st.get("Uid"));
            assertEquals(List.of(id, id, id, id), List.of(st.get("Gid").split("\\s+")), st.get("Gid"));
            for (String ns : VmmJail.NAMESPACES) {
                assertFalse(Files.readSymbolicLink(proc.resolve("ns/" + ns))
                    .equals(Files.readSymbolicLink(Path.of("/proc/self/ns/" + ns))), ns + " namespace of its own");
            }
            assertEquals(List.of("/dev/kvm"), openFiles(proc), "descriptors beyond stdio");
            try (var tasks = Files.list(proc.resolve("task"))) {
                for (Path task : tasks.toList()) {
                    assertEquals("2", status(task).get("Seccomp"), "seccomp filter mode on every thread: " + task);
                }
            }
            assertTrue(ProcessHandle.current().pid() != r.vmm().pid());
            signals.accept(15);
            assertEquals(143, r.exit().get(60, TimeUnit.SECONDS), err);
            assertFalse(r.vmm().isAlive());
            assertFalse(Files.exists(r.stateDir()), "private directory removed: " + r.stateDir());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKilledVmmIsExitCode137AndLeavesNothing() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Running r = bootSpinning(pool);
            assertEquals(0, sys.kill((int) r.vmm().pid(), 9));
            assertEquals(137, r.exit().get(60, TimeUnit.SECONDS), err);
            assertFalse(Files.exists(r.stateDir()), "private directory removed: " + r.stateDir());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBadKernelIsRefusedBeforeAnyProcessOrDirectoryExists() throws Exception {
        Path junk = Files.write(tmp.resolve("junk"), new byte[8192]);
        List<Path> before = bootDirectories();
        BulwarkException e = assertThrows(BulwarkException.class, () -> run("boot", "--kernel", junk.toString()));
        assertTrue(e.getMessage().startsWith(junk + ": not a bootable x86-64 bzImage"), e.getMessage());
        Path initrd = tmp.resolve("no-initrd");
        e = assertThrows(BulwarkException.class, () -> run("boot", "--kernel", kernel("k", TestKernel.exitWith(0)),
            "--initrd", initrd.toString()));
        assertTrue(e.getMessage().contains("--initrd " + initrd + ": no such file"), e.getMessage());
        e = assertThrows(BulwarkException.class, () -> run("boot", "--kernel", kernel("k", TestKernel.exitWith(0)),
            "--memory", "8"));
        assertTrue(e.getMessage().contains("guest memory must be between"), e.getMessage());
        assertEquals(before, bootDirectories(), "no private directory created");
        assertEquals("", out + err, "no VMM ran");
    }

    private static List<Path> bootDirectories() throws Exception {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("bulwark-vm-boot-")).sorted().toList();
        }
    }
}
