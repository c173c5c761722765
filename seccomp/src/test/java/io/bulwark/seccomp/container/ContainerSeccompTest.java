package io.bulwark.seccomp.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.linux.Containers;
import io.bulwark.core.spec.Mount;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spec.SeccompSyscall;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.core.testing.Requirements;
import io.bulwark.seccomp.compile.ProfileCompiler;
import io.bulwark.seccomp.kernel.OneShotListener;
import io.bulwark.seccomp.kernel.Probe;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import io.bulwark.seccomp.notify.NotifyResponse;
import io.bulwark.seccomp.profile.DefaultProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same checks as the probe tests, from inside a real container made by the linux backend: the default profile
 * compiled by this module, installed by the shim, seen by a static probe program in the container.
 */
class ContainerSeccompTest {
    private static Containers containers;
    private static Path probeDir;
    private static ProfileCompiler compiler;

    @BeforeAll
    static void setUp() throws Exception {
        Requirements.require(Requirements.isRoot() && Containers.userNamespacesWork(), "root with user namespaces");
        containers = new Containers();
        probeDir = Files.createTempDirectory("bulwark-seccomp-probe");
        Files.setPosixFilePermissions(probeDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Probe.staticBinary(probeDir);
        compiler = ProfileCompiler.system();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (containers != null) {
            containers.close();
        }
        if (probeDir != null) {
            try (Stream<Path> s = Files.walk(probeDir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A container running {@code script} with the probe mounted read-only at /work. */
    private static Spec spec(String script) {
        Spec s = Containers.spec(Containers.process(List.of("sh", "-c", script)));
        List<Mount> mounts = new ArrayList<>(s.mounts());
        mounts.add(new Mount("/work", probeDir.toString(), List.of("rbind", "ro"), "bind", null, null));
        return new Spec(s.ociVersion(), s.process(), s.root(), s.hostname(), s.domainname(), mounts, s.hooks(),
            s.annotations(), s.linux());
    }

    private static SeccompProgram defaultProfile() {
        return compiler.compile(DefaultProfile.forCapabilities(Set.copyOf(Containers.DEFAULT_CAPS),
            DefaultProfile.nativeArch()), "default", "$.linux.seccomp");
    }

    private static Containers.Options with(SeccompProgram p) {
        return Containers.Options.NONE.withSeccomp(p.filter(), p.flags(), p.listenerPath(), p.listenerMetadata());
    }

    @Test
    void theDefaultProfileDeniesWithEpermInsideAContainer() throws Exception {
        Libseccomp lib = Libseccomp.get();
        Map<String, String> calls = new LinkedHashMap<>();
        calls.put("mount", "0 0 0 0 0");
        calls.put("unshare", "0x10000000");
        calls.put("keyctl", "0 -3 0");
        calls.put("bpf", "0 0 0");
        calls.put("perf_event_open", "0 0 -1 -1 0");
        calls.put("ptrace", "16 1");
        calls.put("kexec_load", "0 0 0 0xffffffff");
        calls.put("init_module", "0 0 0");
        calls.put("reboot", "0 0 0 0");
        calls.put("userfaultfd", "0xffffffff");
        calls.put("clock_settime", "0x7fffffff 0");
        StringBuilder script = new StringBuilder();
        calls.forEach((name, args) -> script.append("echo \"== ").append(name).append("\"; /work/seccomp-probe - 0 syscall ")
            .append(lib.resolveSyscall(name)).append(' ').append(args).append("; "));
        script.append("echo '== shell'; echo hello | tr a-z A-Z 2>/dev/null || echo hello | sed s/hello/HELLO/; ls / >/dev/null && echo listed; "
            + "grep '^Seccomp:' /proc/self/status; grep '^NoNewPrivs:' /proc/self/status");
        Containers.Result r = containers.run(spec(script.toString()), with(defaultProfile()));
        assertEquals(0, r.status(), r.output());
        String[] blocks = r.output().split("== ");
        Map<String, String> seen = new LinkedHashMap<>();
        for (String b : blocks) {
            if (!b.isBlank()) {
                int nl = b.indexOf('\n');
                seen.put(b.substring(0, nl), b.substring(nl + 1));
            }
        }
        for (String name : calls.keySet()) {
            String out = seen.get(name);
            assertTrue(out != null && out.contains("ret=-1 errno=1\n"), name + " must fail with EPERM: " + out);
        }
        String shell = seen.get("shell");
        assertTrue(shell.contains("HELLO") && shell.contains("listed"), r.output());
        assertTrue(shell.contains("Seccomp:\t2"), r.output());
        assertTrue(shell.contains("NoNewPrivs:\t1"), r.output());
    }

    @Test
    void aSyscallNewerThanTheDefaultProfileKnowsFailsWithEnosysInsideAContainer() throws Exception {
        Libseccomp lib = Libseccomp.get();
        Requirements.require(lib.nativeArch() == 0xc000003e, "an x86-64 host (the syscall numbers below)");
        // mseal (462, Linux 6.10) is newer than every syscall the default profile names; mseal(0, 0, 0) seals nothing
        String script = "echo '== new'; /work/seccomp-probe - 0 syscall 462 0 0 0; "
            + "echo '== old'; /work/seccomp-probe - 0 syscall " + lib.resolveSyscall("uselib") + " 0; "
            + "echo '== listed'; /work/seccomp-probe - 0 syscall " + lib.resolveSyscall("mount") + " 0 0 0 0 0";
        String none = withoutPids(containers.run(spec(script)));
        Requirements.require(none.contains("== new\nret=") && !none.contains("== new\nret=-1 errno=38\n"),
            "a kernel with mseal (Linux 6.10 or later): " + none);
        String filtered = withoutPids(containers.run(spec(script), with(defaultProfile())));
        assertTrue(filtered.contains("== new\nret=-1 errno=38\n"), "ENOSYS for a newer syscall: " + filtered);
        assertTrue(filtered.contains("== old\nret=-1 errno=1\n"), "EPERM for an older, unlisted one: " + filtered);
        assertTrue(filtered.contains("== listed\nret=-1 errno=1\n"), "EPERM for mount: " + filtered);
    }

    /** The output of a container that ended normally, without the probe's pid lines. */
    private static String withoutPids(Containers.Result r) {
        assertEquals(0, r.status(), r.output());
        return r.output().replaceAll("(?m)^pid=\\d+\n", "");
    }

    @Test
    void notifyInsideAContainerReachesAListenerThatAnswers() throws Exception {
        Path sock = probeDir.resolve("listener-" + ProcessHandle.current().pid() + ".sock");
        Seccomp profile = new Seccomp("SCMP_ACT_ALLOW", null, null, null, sock.toString(), "tenant-meta",
            List.of(new SeccompSyscall(List.of("mkdir", "mkdirat"), "SCMP_ACT_NOTIFY", null, null)));
        SeccompProgram p = compiler.compile(profile, "test", "$.linux.seccomp");
        try (OneShotListener listener = new OneShotListener(sock)) {
            CompletableFuture<Void> served = listener.answerOnce(c -> NotifyResponse.failing(c.id(), 13));
            Containers.Result r = containers.run(spec("mkdir /tmp/x 2>&1; echo rc=$?; test -d /tmp/x || echo absent"),
                with(p));
            served.get(30, TimeUnit.SECONDS);
            assertEquals(0, r.status(), r.output());
            assertTrue(r.output().contains("Permission denied") && r.output().contains("rc=1")
                && r.output().contains("absent"), r.output());
            int nr = listener.call().data().nr();
            assertTrue(nr == Libseccomp.get().resolveSyscall("mkdir") || nr == Libseccomp.get().resolveSyscall("mkdirat"));
            assertTrue(listener.state().contains("\"metadata\":\"tenant-meta\"")
                && listener.state().contains("\"seccompFd\""), listener.state());
        }
    }
}
