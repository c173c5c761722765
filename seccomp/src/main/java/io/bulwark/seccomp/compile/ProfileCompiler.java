package io.bulwark.seccomp.compile;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.bpf.BpfInstruction;
import io.bulwark.seccomp.bpf.BpfProgram;
import io.bulwark.seccomp.libseccomp.ArgCondition;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import io.bulwark.seccomp.libseccomp.ScmpAttr;
import io.bulwark.seccomp.libseccomp.ScmpFilter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles an OCI seccomp section to the classic BPF program the shim installs, through libseccomp, with
 * {@link EnosysStub} in front where the default is an errno. Nothing is loaded into this process: libseccomp only
 * builds and exports the program.
 */
public final class ProfileCompiler {
    private static final System.Logger LOG = io.bulwark.core.LazyLogger.of(ProfileCompiler.class.getName());
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
            byte[] bpf = withEnosysStub(profile, filter.exportBpf());
            int instructions = bpf.length / SeccompProgram.INSTRUCTION_SIZE;
            if (instructions > BpfProgram.MAX_INSTRUCTIONS) {
                throw new BulwarkException(source + ": the seccomp filter compiles to " + instructions
                    + " BPF instructions, more than the kernel's limit of " + BpfProgram.MAX_INSTRUCTIONS);
            }
            return new SeccompProgram(bpf, profile.flags(), profile.listenerPath(), profile.listenerMetadata());
        }
    }

    /** Puts {@link EnosysStub} in front of libseccomp's program where the profile's default is an errno. */
    private byte[] withEnosysStub(ResolvedProfile profile, byte[] bpf) {
        if (!EnosysStub.applies(profile.defaultVerdict())) {
            return bpf;
        }
        List<Integer> arches = new ArrayList<>();
        arches.add(libseccomp.nativeArch());
        for (int a : profile.architectures()) {
            if (!arches.contains(a)) {
                arches.add(a);
            }
        }
        List<BpfInstruction> stub = EnosysStub.build(EnosysStub.highest(libseccomp, arches, profile.namedSyscalls()));
        if (stub.isEmpty()) {
            return bpf;
        }
        // jumps are relative, so libseccomp's program works unchanged behind the stub
        ByteBuffer b = ByteBuffer.allocate(stub.size() * SeccompProgram.INSTRUCTION_SIZE + bpf.length)
            .order(ByteOrder.nativeOrder());
        for (BpfInstruction i : stub) {
            b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return b.put(bpf).array();
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
