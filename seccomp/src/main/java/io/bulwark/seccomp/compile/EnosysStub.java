package io.bulwark.seccomp.compile;

import io.bulwark.seccomp.bpf.BpfInstruction;
import io.bulwark.seccomp.bpf.SeccompAction;
import io.bulwark.seccomp.bpf.SeccompData;
import io.bulwark.seccomp.bpf.Verdict;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Syscalls newer than the profile answer ENOSYS, as runc does: where the default action is an errno other than
 * ENOSYS, a call whose number is above the highest one the profile names for its architecture gets ENOSYS instead
 * of the default errno, so that libc falls back to the older call it replaces (clone3 to clone, faccessat2 to
 * faccessat, ...) instead of failing on EPERM. This short program runs before libseccomp's. It only ever changes
 * the default errno into ENOSYS (no rule can match above the highest named number); a call from an architecture it
 * does not know, and an x32 call when the profile does not list x32, goes on to libseccomp's program, which kills
 * calls from architectures outside the profile.
 */
public final class EnosysStub {
    public static final int ENOSYS = 38;
    /** seccomp_data.arch of x86-64 and of x32 calls; x32 calls set {@link #X32_SYSCALL_BIT} in the number. */
    public static final int AUDIT_ARCH_X86_64 = 0xc000003e;
    /** libseccomp's token for x32 (no audit architecture of its own). */
    public static final int SCMP_ARCH_X32 = 0x4000003e;
    public static final int X32_SYSCALL_BIT = 0x40000000;

    private EnosysStub() {
    }

    /** Whether a profile with this default gets the stub: an errno default other than ENOSYS itself. */
    public static boolean applies(Verdict defaultVerdict) {
        return defaultVerdict.action() == SeccompAction.ERRNO && defaultVerdict.data() != ENOSYS;
    }

    /**
     * The highest syscall number among {@code names} on each of {@code arches} (libseccomp tokens); an architecture
     * on which none of the names exists is left out (every call there keeps the profile's default).
     */
    public static Map<Integer, Integer> highest(Libseccomp lib, List<Integer> arches, List<String> names) {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        for (int arch : arches) {
            for (String name : names) {
                int nr = lib.resolveSyscall(arch, name);
                if (nr >= 0) {
                    out.merge(arch, nr, Math::max);
                }
            }
        }
        return out;
    }

    /**
     * The stub for these thresholds (libseccomp token → highest named number). It ends by falling through to
     * whatever follows it; empty when there is no threshold.
     */
    public static List<BpfInstruction> build(Map<Integer, Integer> highest) {
        // seccomp_data.arch value → the thresholds checked under it: [native numbers, x32 numbers] (null: none)
        Map<Integer, Integer[]> byAuditArch = new LinkedHashMap<>();
        highest.forEach((token, nr) -> {
            boolean x32 = token == SCMP_ARCH_X32;
            Integer[] t = byAuditArch.computeIfAbsent(x32 ? AUDIT_ARCH_X86_64 : token, k -> new Integer[2]);
            t[x32 ? 1 : 0] = nr;
        });
        if (byAuditArch.isEmpty()) {
            return List.of();
        }
        Assembler a = new Assembler();
        a.stmt(BpfInstruction.LD | BpfInstruction.W | BpfInstruction.ABS, SeccompData.OFFSET_ARCH);
        int block = 0;
        for (Map.Entry<Integer, Integer[]> e : byAuditArch.entrySet()) {
            String next = block + 1 < byAuditArch.size() ? "arch" + (block + 1) : "filter";
            a.label("arch" + block);
            a.jump(BpfInstruction.JEQ, e.getKey(), null, next);
            a.stmt(BpfInstruction.LD | BpfInstruction.W | BpfInstruction.ABS, SeccompData.OFFSET_NR);
            Integer nativeMax = e.getValue()[0];
            Integer x32Max = e.getValue()[1];
            if (e.getKey() == AUDIT_ARCH_X86_64) {
                // x86-64 and x32 share the audit architecture: the x32 bit of the number tells them apart
                String x32 = x32Max == null ? "filter" : "x32-" + block;
                String native64 = nativeMax == null ? "filter" : "native-" + block;
                a.jump(BpfInstruction.JSET, X32_SYSCALL_BIT, x32, native64);
                if (nativeMax != null) {
                    a.label(native64);
                    a.jump(BpfInstruction.JGT, nativeMax, "enosys", "filter");
                }
                if (x32Max != null) {
                    a.label(x32);
                    a.jump(BpfInstruction.JGT, x32Max, "enosys", "filter");
                }
            } else {
                a.jump(BpfInstruction.JGT, nativeMax, "enosys", "filter");
            }
            block++;
        }
        a.label("enosys");
        a.stmt(BpfInstruction.RET | BpfInstruction.K, Verdict.errno(ENOSYS).encode());
        a.label("filter");
        return a.resolve();
    }

    /** Forward jumps to named labels, resolved to classic BPF's relative 8-bit offsets. */
    private static final class Assembler {
        private record Pending(int code, int k, String jt, String jf) {
        }

        private final List<Pending> code = new ArrayList<>();
        private final Map<String, Integer> labels = new HashMap<>();

        void stmt(int op, int k) {
            code.add(new Pending(op, k, null, null));
        }

        /** A conditional jump; a null target is the next instruction. */
        void jump(int op, int k, String jt, String jf) {
            code.add(new Pending(BpfInstruction.JMP | op | BpfInstruction.K, k, jt, jf));
        }

        void label(String name) {
            labels.put(name, code.size());
        }

        List<BpfInstruction> resolve() {
            List<BpfInstruction> out = new ArrayList<>();
            for (int i = 0; i < code.size(); i++) {
                Pending p = code.get(i);
                out.add(new BpfInstruction(p.code(), offset(i, p.jt()), offset(i, p.jf()), p.k()));
            }
            return out;
        }

        private int offset(int from, String label) {
            if (label == null) {
                return 0;
            }
            Integer to = labels.get(label);
            if (to == null || to <= from) {
                throw new IllegalStateException("no forward label " + label);
            }
            return to - from - 1;
        }
    }
}
