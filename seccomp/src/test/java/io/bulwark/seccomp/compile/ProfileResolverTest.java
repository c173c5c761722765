package io.bulwark.seccomp.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spec.SeccompArg;
import io.bulwark.core.spec.SeccompSyscall;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.bpf.BpfInterpreter;
import io.bulwark.seccomp.bpf.SeccompAction;
import io.bulwark.seccomp.bpf.SeccompData;
import io.bulwark.seccomp.bpf.Verdict;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileResolverTest {
    private static final Libseccomp LIB = Libseccomp.get();
    private static final KernelSeccomp ALL_FLAGS = flags -> true;

    private static ProfileCompiler compiler(KernelSeccomp kernel) {
        return new ProfileCompiler(LIB, kernel, true);
    }

    private static Seccomp profile(String def, List<String> flags, SeccompSyscall... rules) {
        return new Seccomp(def, null, null, flags, null, null, Arrays.asList(rules));
    }

    private static SeccompSyscall rule(List<String> names, String action, Long errno, SeccompArg... args) {
        return new SeccompSyscall(names, action, errno, args.length == 0 ? null : List.of(args));
    }

    private static String error(Seccomp s) {
        return assertThrows(BulwarkException.class, () -> compiler(ALL_FLAGS).compile(s, "config.json", "$.linux.seccomp"))
            .getMessage();
    }

    @Test
    void everyProblemNamesFileAndJsonPath() {
        assertEquals("config.json: $.linux.seccomp.defaultAction: is required", error(profile(null, null)));
        assertTrue(error(profile("SCMP_ACT_FOO", null)).startsWith("config.json: $.linux.seccomp.defaultAction: "
            + "unknown action \"SCMP_ACT_FOO\""));
        assertEquals("config.json: $.linux.seccomp.syscalls[0].errnoRet: is only allowed with SCMP_ACT_ERRNO and "
            + "SCMP_ACT_TRACE", error(profile("SCMP_ACT_ERRNO", null, rule(List.of("read"), "SCMP_ACT_ALLOW", 3L))));
        assertEquals("config.json: $.linux.seccomp.syscalls[0].names: must list at least one syscall",
            error(profile("SCMP_ACT_ERRNO", null, rule(List.of(), "SCMP_ACT_ALLOW", null))));
        assertEquals("config.json: $.linux.seccomp.syscalls[0].args[0].value: is required",
            error(profile("SCMP_ACT_ERRNO", null, rule(List.of("read"), "SCMP_ACT_ALLOW", null,
                new SeccompArg(0, null, null, "SCMP_CMP_EQ")))));
        assertTrue(error(profile("SCMP_ACT_ERRNO", null, rule(List.of("read"), "SCMP_ACT_ALLOW", null,
            new SeccompArg(0, 1L, null, "SCMP_CMP_LIKE")))).startsWith(
            "config.json: $.linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_LIKE\""));
        assertTrue(error(profile("SCMP_ACT_ALLOW", List.of("SECCOMP_FILTER_FLAG_FAST"))).startsWith(
            "config.json: $.linux.seccomp.flags[0]: unknown flag"));
        assertEquals("config.json: $.linux.seccomp.syscalls[1].errnoRet: must be 0..65535, got 70000",
            error(profile("SCMP_ACT_ALLOW", null, rule(List.of("read"), "SCMP_ACT_ERRNO", 1L),
                rule(List.of("write"), "SCMP_ACT_ERRNO", 70000L))));
        assertTrue(error(new Seccomp("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_VAX"), null, null, null, null))
            .startsWith("config.json: $.linux.seccomp.architectures[0]: unknown architecture \"SCMP_ARCH_VAX\""));
    }

    @Test
    void notifyNeedsAListenerAndIsRefusedWhereItWouldDeadlock() {
        assertEquals("config.json: $.linux.seccomp.listenerPath: is required when a rule uses SCMP_ACT_NOTIFY",
            error(profile("SCMP_ACT_ALLOW", null, rule(List.of("mkdir"), "SCMP_ACT_NOTIFY", null))));
        assertTrue(error(profile("SCMP_ACT_NOTIFY", null)).contains("cannot be the default action"));
        Seccomp onWrite = new Seccomp("SCMP_ACT_ALLOW", null, null, null, "/run/l.sock", null,
            List.of(rule(List.of("mkdir", "write"), "SCMP_ACT_NOTIFY", null)));
        assertTrue(error(onWrite).startsWith("config.json: $.linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY "
            + "cannot be used for write"));
        Seccomp relative = new Seccomp("SCMP_ACT_ALLOW", null, null, null, "l.sock", null,
            List.of(rule(List.of("mkdir"), "SCMP_ACT_NOTIFY", null)));
        assertEquals("config.json: $.linux.seccomp.listenerPath: must be an absolute path", error(relative));
    }

    @Test
    void notifyAddsTheListenerFlagAndTsyncBecomesTsyncEsrch() {
        Seccomp s = new Seccomp("SCMP_ACT_ALLOW", null, null, List.of("SECCOMP_FILTER_FLAG_TSYNC",
            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"), "/run/l.sock", "meta",
            List.of(rule(List.of("mkdir"), "SCMP_ACT_NOTIFY", null)));
        SeccompProgram p = compiler(ALL_FLAGS).compile(s, "c", "$");
        assertEquals(SeccompProgram.FLAG_TSYNC | SeccompProgram.FLAG_NEW_LISTENER | SeccompProgram.FLAG_TSYNC_ESRCH
            | SeccompProgram.FLAG_WAIT_KILLABLE_RECV, p.flags());
        assertEquals("/run/l.sock", p.listenerPath());
        assertEquals("meta", p.listenerMetadata());
    }

    @Test
    void flagsTheKernelLacksAreRefused() {
        KernelSeccomp noSpecAllow = f -> (f & SeccompProgram.FLAG_SPEC_ALLOW) == 0;
        BulwarkException e = assertThrows(BulwarkException.class, () -> compiler(noSpecAllow).compile(
            profile("SCMP_ACT_ALLOW", List.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW")), "c", "$"));
        assertEquals("c: $.flags[1]: SECCOMP_FILTER_FLAG_SPEC_ALLOW is not supported by this kernel", e.getMessage());
        SeccompProgram p = compiler(noSpecAllow).compile(profile("SCMP_ACT_ALLOW", List.of("SECCOMP_FILTER_FLAG_LOG",
            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")), "c", "$");
        assertEquals(SeccompProgram.FLAG_LOG, p.flags()); // WAIT_KILLABLE_RECV means nothing without notify
    }

    @Test
    void theRunningKernelIsProbedForFlags() {
        SeccompProgram p = ProfileCompiler.system().compile(profile("SCMP_ACT_ALLOW", List.of("SECCOMP_FILTER_FLAG_LOG",
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC")), "c", "$");
        assertEquals(SeccompProgram.FLAG_LOG | SeccompProgram.FLAG_SPEC_ALLOW | SeccompProgram.FLAG_TSYNC, p.flags());
    }

    @Test
    void unknownNamesAreIgnoredAndDefaultActionRulesSkipped() {
        ResolvedProfile r = compiler(ALL_FLAGS).resolve(profile("SCMP_ACT_ERRNO", null,
            rule(List.of("read", "frobnicate_at"), "SCMP_ACT_ALLOW", null),
            rule(List.of("write"), "SCMP_ACT_ERRNO", 1L)), "c", "$");
        assertEquals(List.of("frobnicate_at"), r.skippedNames());
        assertEquals(List.of("read"), r.rules().stream().map(ResolvedRule::name).toList());
    }

    @Test
    void repeatedArgumentIndexMeansAnyConditionAsInRunc() {
        Seccomp s = profile("SCMP_ACT_ALLOW", null, rule(List.of("personality"), "SCMP_ACT_ERRNO", 22L,
            new SeccompArg(0, 1L, null, "SCMP_CMP_EQ"), new SeccompArg(0, 2L, null, "SCMP_CMP_EQ")));
        ResolvedProfile r = compiler(ALL_FLAGS).resolve(s, "c", "$");
        assertEquals(2, r.rules().get(0).alternatives().size());
        BpfInterpreter in = BpfInterpreter.of(compiler(ALL_FLAGS).compile(r, "c").filter());
        int nr = LIB.resolveSyscall("personality");
        assertEquals(Verdict.errno(22), in.evaluate(SeccompData.of(LIB.nativeArch(), nr, 1)));
        assertEquals(Verdict.errno(22), in.evaluate(SeccompData.of(LIB.nativeArch(), nr, 2)));
        assertEquals(Verdict.of(SeccompAction.ALLOW), in.evaluate(SeccompData.of(LIB.nativeArch(), nr, 3)));
    }

    @Test
    void differentArgumentsAreAllRequired() {
        Seccomp s = profile("SCMP_ACT_ALLOW", null, rule(List.of("getpriority"), "SCMP_ACT_KILL_PROCESS", null,
            new SeccompArg(0, 1L, null, "SCMP_CMP_EQ"), new SeccompArg(1, 10L, null, "SCMP_CMP_GT")));
        BpfInterpreter in = BpfInterpreter.of(compiler(ALL_FLAGS).compile(s, "c", "$").filter());
        int nr = LIB.resolveSyscall("getpriority");
        int arch = LIB.nativeArch();
        assertEquals(SeccompAction.KILL_PROCESS, in.evaluate(SeccompData.of(arch, nr, 1, 11)).action());
        assertEquals(SeccompAction.ALLOW, in.evaluate(SeccompData.of(arch, nr, 1, 10)).action());
        assertEquals(SeccompAction.ALLOW, in.evaluate(SeccompData.of(arch, nr, 0, 11)).action());
        // unsigned 64-bit comparison: -1 is the largest value
        assertEquals(SeccompAction.KILL_PROCESS, in.evaluate(SeccompData.of(arch, nr, 1, -1L)).action());
    }

    @Test
    void everyActionEncodesAsTheKernelValue() {
        int nr = LIB.resolveSyscall("mkdir");
        for (String action : List.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP",
            "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY")) {
            Seccomp s = new Seccomp("SCMP_ACT_ALLOW", null, null, null, "/run/x.sock", null,
                List.of(rule(List.of("mkdir"), action, null)));
            Verdict v = BpfInterpreter.of(compiler(ALL_FLAGS).compile(s, "c", "$").filter())
                .evaluate(SeccompData.of(LIB.nativeArch(), nr));
            SeccompAction expected = SeccompAction.ofOciName(action);
            assertEquals(expected, v.action(), action);
            assertEquals(expected.carriesData() ? 1 : 0, v.data(), action); // EPERM unless errnoRet says otherwise
        }
    }

    @Test
    void defaultErrnoRetAndOtherArchitectures() {
        Seccomp s = new Seccomp("SCMP_ACT_ERRNO", 95L, List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"), null, null, null,
            List.of(rule(List.of("getppid"), "SCMP_ACT_ALLOW", null)));
        BpfInterpreter in = BpfInterpreter.of(compiler(ALL_FLAGS).compile(s, "c", "$").filter());
        int x86 = LIB.resolveArch("SCMP_ARCH_X86");
        assertEquals(Verdict.errno(95), in.evaluate(SeccompData.of(LIB.nativeArch(), LIB.resolveSyscall("mkdir"))));
        assertEquals(SeccompAction.ALLOW, in.evaluate(SeccompData.of(x86, LIB.resolveSyscall(x86, "getppid"))).action());
        assertEquals(Verdict.errno(95), in.evaluate(SeccompData.of(x86, LIB.resolveSyscall(x86, "mkdir"))));
        // an architecture the filter does not list is killed
        assertEquals(SeccompAction.KILL_THREAD, in.evaluate(SeccompData.of(LIB.resolveArch("aarch64"), 1)).action());
    }
}
