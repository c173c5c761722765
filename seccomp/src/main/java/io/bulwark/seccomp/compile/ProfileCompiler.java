package io.bulwark.seccomp.compile;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.bpf.BpfProgram;
import io.bulwark.seccomp.libseccomp.ArgCondition;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import io.bulwark.seccomp.libseccomp.ScmpAttr;
import io.bulwark.seccomp.libseccomp.ScmpFilter;
import java.util.List;

/**
 * Compiles an OCI seccomp section to the classic BPF program the shim installs, through libseccomp. Nothing is
 * loaded into this process: libseccomp only builds and exports the program.
 */
public final class ProfileCompiler {
    private static final System.Logger LOG = System.getLogger(ProfileCompiler.class.getName());
    /** SCMP_FLTATR_CTL_OPTIMIZE value for a binary tree of syscall numbers. */
    private static final int OPTIMIZE_BINARY_TREE = 2;

    private final Libseccomp libseccomp;
    private final ProfileResolver resolver;
    private final boolean binaryTree;

    public ProfileCompiler(Libseccomp libseccomp, KernelSeccomp kernel, boolean binaryTree) {
        this.libseccomp = libseccomp;
        this.resolver = new ProfileResolver(libseccomp, kernel);
        this.binaryTree = binaryTree;
    }

    /** The compiler for this host: the system's libseccomp, the running kernel, binary-tree ordering. */
    public static ProfileCompiler system() {
        Libseccomp l = Libseccomp.get();
        return new ProfileCompiler(l, new LinuxKernelSeccomp(l), true);
    }

    public Libseccomp libseccomp() {
        return libseccomp;
    }

    public ResolvedProfile resolve(Seccomp seccomp, String source, String jsonPath) {
        return resolver.resolve(seccomp, source, jsonPath);
    }

    public SeccompProgram compile(Seccomp seccomp, String source, String jsonPath) {
        return compile(resolve(seccomp, source, jsonPath), source);
    }

    public SeccompProgram compile(ResolvedProfile profile, String source) {
        try (ScmpFilter filter = libseccomp.newFilter(profile.defaultVerdict().encode())) {
            filter.trySetAttr(ScmpAttr.API_SYSRAWRC, 1);
            if (binaryTree && !filter.trySetAttr(ScmpAttr.CTL_OPTIMIZE, OPTIMIZE_BINARY_TREE)) {
                LOG.log(System.Logger.Level.DEBUG, "libseccomp {0} cannot build a binary tree; using linear order",
                    libseccomp.version());
            }
            for (int arch : profile.architectures()) {
                filter.addArch(arch);
            }
            for (ResolvedRule rule : profile.rules()) {
                for (List<ArgCondition> alternative : rule.alternatives()) {
                    int rc = filter.addRule(rule.verdict().encode(), rule.nr(), alternative);
                    if (rc < 0) {
                        throw new BulwarkException(source + ": " + rule.jsonPath() + ": libseccomp refused the rule for "
                            + rule.name() + " (" + rule.verdict() + "): " + libseccompError(rc), -rc);
                    }
                }
            }
            byte[] bpf = filter.exportBpf();
            int instructions = bpf.length / SeccompProgram.INSTRUCTION_SIZE;
            if (instructions > BpfProgram.MAX_INSTRUCTIONS) {
                throw new BulwarkException(source + ": the seccomp filter compiles to " + instructions
                    + " BPF instructions, more than the kernel's limit of " + BpfProgram.MAX_INSTRUCTIONS);
            }
            return new SeccompProgram(bpf, profile.flags(), profile.listenerPath(), profile.listenerMetadata());
        }
    }

    private static String libseccompError(int rc) {
        return switch (-rc) {
            case 17 -> "it conflicts with an earlier rule for the same syscall and arguments (EEXIST)";
            case 22 -> "invalid syscall, argument or action (EINVAL)";
            case 33 -> "the rule cannot be expressed on every architecture of the filter (EDOM)";
            case 13 -> "the rule's action is the default action (EACCES)";
            default -> "errno " + (-rc);
        };
    }
}
