package io.bulwark.seccomp.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.linux.Containers;
import io.bulwark.core.spec.Mount;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.core.testing.Requirements;
import io.bulwark.seccomp.bpf.BpfInterpreter;
import io.bulwark.seccomp.bpf.SeccompAction;
import io.bulwark.seccomp.bpf.SeccompData;
import io.bulwark.seccomp.bpf.Verdict;
import io.bulwark.seccomp.compile.GeneratedProfiles;
import io.bulwark.seccomp.compile.ProfileCompiler;
import io.bulwark.seccomp.kernel.Probe;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * For a sample of generated profiles and calls, the Java interpreter's verdict is what the kernel does inside a
 * real container: the linux backend creates the container and the shim installs the compiled program right before
 * it executes the static probe, which makes each call in a child process of its own (a call may kill its process)
 * and prints what came back. An allowed call is compared with the same calls in a container without a filter (the
 * same pid numbers, the same ids), the other actions with what the action means. The calls are ones that are
 * harmless with any arguments.
 */
class ContainerKernelAgreementProperties {
    private static final int SIGSYS = 31;
    private static final int ENOSYS = 38;
    static final List<String> SAFE = List.of("getppid", "getuid", "getgid", "getpriority", "umask", "sched_yield");
    static final List<String> ACTIONS = List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
        "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_LOG", "SCMP_ACT_TRACE");
    private static final Pattern LINE = Pattern.compile("(?m)^call (\\d+) (.*)$");

    private static Containers containers;
    private static Path probeDir;
    private static ProfileCompiler compiler;

    @BeforeContainer
    static void setUp() throws Exception {
        Requirements.require(Requirements.isRoot() && Containers.userNamespacesWork(), "root with user namespaces");
        containers = new Containers();
        probeDir = Files.createTempDirectory("bulwark-seccomp-agreement");
        Files.setPosixFilePermissions(probeDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Probe.staticBinary(probeDir);
        compiler = ProfileCompiler.system();
    }

    @AfterContainer
    static void tearDown() throws Exception {
        try {
            if (containers != null) {
                containers.close();
            }
        } finally {
            if (probeDir != null) {
                try (Stream<Path> s = Files.walk(probeDir)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Provide
    Arbitrary<GeneratedProfiles.Case> cases() {
        // the probe's own start-up, fork, wait4 and write run under the default action: it lets them through
        return GeneratedProfiles.cases(SAFE, ACTIONS, List.of("SCMP_ACT_ALLOW", "SCMP_ACT_LOG"), 6);
    }

    // No shrinking: every step makes containers, so shrinking runs into jqwik's time limit, and a shrink cut off
    // there once raced the tear-down; a failure already prints the whole profile and call.
    @Property(tries = 40, seed = "20261204", shrinking = ShrinkingMode.OFF)
    void theKernelInAContainerDoesWhatTheInterpreterSays(@ForAll("cases") GeneratedProfiles.Case c) throws Exception {
        Libseccomp lib = Libseccomp.get();
        SeccompProgram program = compiler.compile(c.profile(), "generated", "$");
        BpfInterpreter in = BpfInterpreter.of(program.filter());
        List<String> specs = new ArrayList<>();
        List<Verdict> verdicts = new ArrayList<>();
        for (GeneratedProfiles.Call call : c.calls()) {
            int nr = lib.resolveSyscall(call.name());
            verdicts.add(in.evaluate(SeccompData.of(lib.nativeArch(), nr, call.args())));
            specs.add(nr + "," + LongStream.of(call.args()).mapToObj(a -> "0x" + Long.toHexString(a))
                .collect(Collectors.joining(",")));
        }
        Containers.Options filtered = Containers.Options.NONE.withSeccomp(program.filter(), program.flags(),
            program.listenerPath(), program.listenerMetadata());
        List<String> seen = outcomes(filtered, specs);
        List<String> control = verdicts.stream().anyMatch(v -> allowed(v)) ? outcomes(Containers.Options.NONE, specs)
            : null;
        for (int i = 0; i < specs.size(); i++) {
            Verdict v = verdicts.get(i);
            Statistics.label("action").collect(v.action() == SeccompAction.KILL_PROCESS ? SeccompAction.KILL_THREAD
                : v.action());
            String o = seen.get(i);
            String what = c.calls().get(i) + " → " + v + " under " + c.profile() + ": kernel said \"" + o + "\"";
            int nr = Integer.parseInt(specs.get(i).substring(0, specs.get(i).indexOf(',')));
            switch (v.action()) {
                case ALLOW, LOG -> assertEquals(control.get(i), o, what);
                case ERRNO -> assertEquals("ret=" + (v.data() == 0 ? 0 : -1) + " errno=" + v.data(), o, what);
                case TRACE -> assertEquals("ret=-1 errno=" + ENOSYS, o, what); // no tracer
                case KILL_THREAD, KILL_PROCESS -> assertEquals("signal=" + SIGSYS, o, what);
                case TRAP -> assertEquals("sigsys signo=" + SIGSYS + " syscall=" + nr, o, what);
                default -> throw new AssertionError("unexpected verdict " + what);
            }
        }
        // the sample must reach the kernel with every kind of outcome, not only allowed calls
        Statistics.label("action").coverage(cov -> {
            for (SeccompAction a : List.of(SeccompAction.ALLOW, SeccompAction.LOG, SeccompAction.ERRNO,
                SeccompAction.TRAP, SeccompAction.KILL_THREAD, SeccompAction.TRACE)) { // KILL_THREAD: either kill
                cov.check(a).count(n -> n > 0);
            }
        });
    }

    private static boolean allowed(Verdict v) {
        return switch (v.action()) {
            case ALLOW, LOG -> true;
            default -> false;
        };
    }

    /** Runs the probe's calls in a fresh container; one outcome per call, in order. */
    private static List<String> outcomes(Containers.Options options, List<String> specs) throws Exception {
        List<String> args = new ArrayList<>(List.of("/work/seccomp-probe", "-", "0", "calls"));
        args.addAll(specs);
        Containers.Result r = containers.run(withProbe(Containers.spec(Containers.process(args))), options);
        assertEquals(0, r.status(), "the probe must end normally: " + r.output());
        List<String> out = new ArrayList<>();
        Matcher m = LINE.matcher(r.output());
        while (m.find()) {
            assertEquals(out.size(), Integer.parseInt(m.group(1)), r.output());
            out.add(m.group(2));
        }
        assertTrue(out.size() == specs.size(), "one outcome per call expected: " + r.output());
        return out;
    }

    /** The spec with the probe's directory mounted read-only at /work. */
    private static Spec withProbe(Spec s) {
        List<Mount> mounts = new ArrayList<>(s.mounts());
        mounts.add(new Mount("/work", probeDir.toString(), List.of("rbind", "ro"), "bind", null, null));
        return new Spec(s.ociVersion(), s.process(), s.root(), s.hostname(), s.domainname(), mounts, s.hooks(),
            s.annotations(), s.linux());
    }
}
