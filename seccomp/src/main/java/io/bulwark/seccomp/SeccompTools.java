package io.bulwark.seccomp;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.bpf.BpfInterpreter;
import io.bulwark.seccomp.bpf.SeccompData;
import io.bulwark.seccomp.bpf.Verdict;
import io.bulwark.seccomp.compile.EnosysStub;
import io.bulwark.seccomp.compile.LinuxKernelSeccomp;
import io.bulwark.seccomp.compile.ProfileCompiler;
import io.bulwark.seccomp.compile.ResolvedProfile;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import io.bulwark.seccomp.profile.DefaultProfile;
import io.bulwark.seccomp.profile.ProfileFile;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Set;

/**
 * What the operator verbs {@code bulwark seccomp compile|check|default} do, as a Java API: load a profile (a file,
 * or {@code default} for the built-in one), compile it, evaluate a syscall against the compiled program.
 */
public final class SeccompTools {
    /** The name that stands for the built-in profile where a profile file is expected. */
    public static final String DEFAULT = "default";
    /** The capabilities {@code bulwark spec} keeps, used for the built-in profile when none are given. */
    public static final Set<String> SPEC_CAPABILITIES = Set.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

    /** A compiled profile and how long compiling took. */
    public record Compiled(Seccomp profile, ResolvedProfile resolved, SeccompProgram program, long nanos) {
    }

    /** A syscall's verdict under a compiled filter. */
    public record Check(String syscall, int nr, int arch, Verdict verdict, int instructionsExecuted) {
    }

    private final ProfileCompiler compiler;

    public SeccompTools(ProfileCompiler compiler) {
        this.compiler = compiler;
    }

    public static SeccompTools system() {
        return new SeccompTools(ProfileCompiler.system());
    }

    /** With {@code binaryTree} false, rules are laid out linearly (to compare the two layouts). */
    public static SeccompTools system(boolean binaryTree) {
        Libseccomp l = Libseccomp.get();
        return new SeccompTools(new ProfileCompiler(l, new LinuxKernelSeccomp(l), binaryTree));
    }

    /** Loads {@code profile} ({@link #DEFAULT} or a file) and compiles it. */
    public Compiled compile(String profile, Set<String> capabilities) {
        Seccomp s;
        String source;
        String path;
        if (DEFAULT.equals(profile)) {
            s = DefaultProfile.forCapabilities(capabilities == null ? SPEC_CAPABILITIES : capabilities,
                DefaultProfile.nativeArch());
            source = "built-in default profile";
            path = "$.linux.seccomp";
        } else {
            ProfileFile.Loaded l = ProfileFile.read(Path.of(profile));
            s = l.seccomp();
            source = l.source();
            path = l.jsonPath();
        }
        long t0 = System.nanoTime();
        ResolvedProfile r = compiler.resolve(s, source, path);
        SeccompProgram p = compiler.compile(r, source);
        return new Compiled(s, r, p, System.nanoTime() - t0);
    }

    /**
     * Evaluates {@code syscall} (a name or a number) with {@code args} on {@code arch} (an OCI or libseccomp
     * architecture name; null for the native one) against a compiled program.
     */
    public Check check(SeccompProgram program, String arch, String syscall, long... args) {
        Libseccomp l = compiler.libseccomp();
        int token = arch == null ? l.nativeArch() : l.resolveArch(arch);
        if (token == 0) {
            throw new BulwarkException("unknown architecture \"" + arch + "\"");
        }
        int nr;
        String name = syscall;
        if (syscall.matches("\\d+")) {
            nr = Integer.parseInt(syscall);
            String n = l.syscallName(token, nr);
            name = n == null ? syscall : n;
        } else {
            nr = l.resolveSyscall(token, syscall);
            if (nr < 0) {
                throw new BulwarkException("syscall \"" + syscall + "\" does not exist on " + (arch == null ? "this architecture" : arch));
            }
        }
        if (args.length > 6) {
            throw new BulwarkException("a syscall has at most 6 arguments, got " + args.length);
        }
        int dataArch = token;
        if (token == EnosysStub.SCMP_ARCH_X32) { // x32 calls reach the filter as x86-64 ones with the x32 bit set
            dataArch = EnosysStub.AUDIT_ARCH_X86_64;
            nr |= EnosysStub.X32_SYSCALL_BIT;
        }
        BpfInterpreter.Result r = BpfInterpreter.of(program.filter()).run(SeccompData.of(dataArch, nr, args));
        return new Check(name, nr, token, r.verdict(), r.executed());
    }

    /** Parses a syscall argument: decimal, {@code 0x} hex or {@code 0} octal, negative values as two's complement. */
    public static long parseArgument(String s) {
        try {
            String t = s.trim();
            boolean neg = t.startsWith("-");
            if (neg) {
                t = t.substring(1);
            }
            BigInteger v;
            if (t.startsWith("0x") || t.startsWith("0X")) {
                v = new BigInteger(t.substring(2), 16);
            } else if (t.length() > 1 && t.startsWith("0")) {
                v = new BigInteger(t.substring(1), 8);
            } else {
                v = new BigInteger(t);
            }
            if (neg) {
                v = v.negate();
            }
            if (v.bitLength() > 64 || (v.signum() < 0 && v.bitLength() > 63)) {
                throw new NumberFormatException();
            }
            return v.longValue();
        } catch (NumberFormatException e) {
            throw new BulwarkException("invalid syscall argument \"" + s + "\": expected a 64-bit number", 22);
        }
    }
}
