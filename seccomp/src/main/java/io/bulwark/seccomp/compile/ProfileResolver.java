package io.bulwark.seccomp.compile;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spec.SeccompArg;
import io.bulwark.core.spec.SeccompSyscall;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.bpf.Errno;
import io.bulwark.seccomp.bpf.SeccompAction;
import io.bulwark.seccomp.bpf.Verdict;
import io.bulwark.seccomp.libseccomp.ArgCondition;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import io.bulwark.seccomp.libseccomp.ScmpCompare;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks an OCI {@code linux.seccomp} section and resolves names against libseccomp and the kernel. Every problem
 * is a {@link BulwarkException} naming the file, the JSON path and what is wrong.
 */
public final class ProfileResolver {
    private static final System.Logger LOG = io.bulwark.core.LazyLogger.of(ProfileResolver.class.getName());

    /**
     * Syscalls the shim itself makes after installing a filter and before execve (handing the notify listener fd
     * on): a NOTIFY rule on them would wait for a listener that has not received its fd yet.
     */
    static final Set<String> NOT_NOTIFIABLE = Set.of("write", "sendmsg");

    private final Libseccomp libseccomp;
    private final KernelSeccomp kernel;

    public ProfileResolver(Libseccomp libseccomp, KernelSeccomp kernel) {
        this.libseccomp = libseccomp;
        this.kernel = kernel;
    }

    public ResolvedProfile resolve(Seccomp s, String source, String base) {
        if (s.defaultAction() == null) {
            throw BulwarkException.invalid(source, base + ".defaultAction", "is required");
        }
        Verdict defaultVerdict = verdict(s.defaultAction(), s.defaultErrnoRet(), source, base + ".defaultAction",
            base + ".defaultErrnoRet");
        if (defaultVerdict.action() == SeccompAction.NOTIFY) {
            throw BulwarkException.invalid(source, base + ".defaultAction",
                "SCMP_ACT_NOTIFY cannot be the default action (the runtime's own syscalls would wait for the listener)");
        }

        List<Integer> arches = new ArrayList<>();
        List<String> archNames = s.architectures() == null ? List.of() : s.architectures();
        for (int i = 0; i < archNames.size(); i++) {
            String name = archNames.get(i);
            int token = name == null ? 0 : libseccomp.resolveArch(name);
            if (token == 0) {
                throw BulwarkException.invalid(source, base + ".architectures[" + i + "]",
                    "unknown architecture \"" + name + "\" (expected SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64, ...)");
            }
            if (!arches.contains(token)) {
                arches.add(token);
            }
        }

        List<ResolvedRule> rules = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> named = new ArrayList<>();
        int highestNative = -1;
        boolean notify = false;
        List<SeccompSyscall> syscalls = s.syscalls() == null ? List.of() : s.syscalls();
        for (int i = 0; i < syscalls.size(); i++) {
            SeccompSyscall sc = syscalls.get(i);
            String path = base + ".syscalls[" + i + "]";
            if (sc == null) {
                throw BulwarkException.invalid(source, path, "must be an object");
            }
            if (sc.names() == null || sc.names().isEmpty()) {
                throw BulwarkException.invalid(source, path + ".names", "must list at least one syscall");
            }
            if (sc.action() == null) {
                throw BulwarkException.invalid(source, path + ".action", "is required");
            }
            Verdict v = verdict(sc.action(), sc.errnoRet(), source, path + ".action", path + ".errnoRet");
            List<List<ArgCondition>> alternatives = alternatives(sc.args(), source, path);
            for (int j = 0; j < sc.names().size(); j++) {
                String name = sc.names().get(j);
                if (name == null || name.isEmpty()) {
                    throw BulwarkException.invalid(source, path + ".names[" + j + "]", "must be a syscall name");
                }
                if (v.action() == SeccompAction.NOTIFY && NOT_NOTIFIABLE.contains(name)) {
                    throw BulwarkException.invalid(source, path + ".names[" + j + "]",
                        "SCMP_ACT_NOTIFY cannot be used for " + name + " (the runtime needs it to hand the listener on)");
                }
                int nr = libseccomp.resolveSyscall(name);
                if (nr == Libseccomp.NR_SCMP_ERROR) {
                    LOG.log(System.Logger.Level.DEBUG, "{0}: {1}: syscall \"{2}\" is unknown to libseccomp "
                        + "{3}; ignoring it", source, path, name, libseccomp.version());
                    skipped.add(name);
                    continue;
                }
                if (!named.contains(name)) {
                    named.add(name);
                }
                highestNative = Math.max(highestNative, nr); // negative: not a native syscall
                if (v.equals(defaultVerdict)) {
                    LOG.log(System.Logger.Level.DEBUG, "{0}: {1}: rule for {2} has the default action; ignoring it",
                        source, path, name);
                    continue;
                }
                notify |= v.action() == SeccompAction.NOTIFY;
                rules.add(new ResolvedRule(name, nr, v, alternatives, path));
            }
        }

        if (notify && (s.listenerPath() == null || s.listenerPath().isEmpty())) {
            throw BulwarkException.invalid(source, base + ".listenerPath",
                "is required when a rule uses SCMP_ACT_NOTIFY");
        }
        if (s.listenerPath() != null && !s.listenerPath().startsWith("/")) {
            throw BulwarkException.invalid(source, base + ".listenerPath", "must be an absolute path");
        }
        int flags = flags(s.flags(), notify, source, base + ".flags");
        return new ResolvedProfile(defaultVerdict, arches, flags, notify ? s.listenerPath() : null,
            notify ? s.listenerMetadata() : null, rules, skipped, named, highestNative);
    }

    private int flags(List<String> names, boolean notify, String source, String path) {
        int flags = 0;
        List<String> list = names == null ? List.of() : names;
        for (int i = 0; i < list.size(); i++) {
            SeccompFlag f = SeccompFlag.ofOciName(list.get(i));
            if (f == null) {
                throw BulwarkException.invalid(source, path + "[" + i + "]", "unknown flag \"" + list.get(i)
                    + "\" (expected one of " + Arrays.stream(SeccompFlag.values()).map(x -> x.ociName)
                    .collect(Collectors.joining(", ")) + ")");
            }
            if (f == SeccompFlag.WAIT_KILLABLE_RECV && !notify) {
                LOG.log(System.Logger.Level.DEBUG, "{0}: {1}: {2} has no effect without SCMP_ACT_NOTIFY rules; "
                    + "ignoring it", source, path, f.ociName);
                continue;
            }
            if (!kernel.supportsFlags(f.bit | (f == SeccompFlag.WAIT_KILLABLE_RECV ? SeccompProgram.FLAG_NEW_LISTENER : 0))) {
                throw BulwarkException.invalid(source, path + "[" + i + "]",
                    f.ociName + " is not supported by this kernel");
            }
            flags |= f.bit;
        }
        if (notify) {
            flags |= SeccompProgram.FLAG_NEW_LISTENER;
            if ((flags & SeccompProgram.FLAG_TSYNC) != 0) {
                flags |= SeccompProgram.FLAG_TSYNC_ESRCH; // TSYNC and NEW_LISTENER only go together this way
            }
            if (!kernel.supportsFlags(flags)) {
                throw BulwarkException.invalid(source, path, "this kernel cannot combine the requested flags with "
                    + "a notify listener (flags 0x" + Integer.toHexString(flags) + ")");
            }
        }
        return flags;
    }

    private static Verdict verdict(String name, Long errnoRet, String source, String actionPath, String errnoPath) {
        SeccompAction a = SeccompAction.ofOciName(name);
        if (a == null) {
            throw BulwarkException.invalid(source, actionPath, "unknown action \"" + name + "\" (expected one of "
                + "SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, "
                + "SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY)");
        }
        if (!a.carriesData()) {
            if (errnoRet != null) {
                throw BulwarkException.invalid(source, errnoPath, "is only allowed with SCMP_ACT_ERRNO and SCMP_ACT_TRACE");
            }
            return Verdict.of(a);
        }
        long data = errnoRet == null ? Errno.EPERM : errnoRet;
        if (data < 0 || data > 0xffff) {
            throw BulwarkException.invalid(source, errnoPath, "must be 0..65535, got " + data);
        }
        return new Verdict(a, (int) data);
    }

    private static List<List<ArgCondition>> alternatives(List<SeccompArg> args, String source, String path) {
        if (args == null || args.isEmpty()) {
            return List.of(List.of());
        }
        List<ArgCondition> conditions = new ArrayList<>();
        boolean[] seen = new boolean[6];
        boolean repeated = false;
        for (int i = 0; i < args.size(); i++) {
            SeccompArg a = args.get(i);
            String p = path + ".args[" + i + "]";
            if (a == null) {
                throw BulwarkException.invalid(source, p, "must be an object");
            }
            if (a.index() == null || a.index() < 0 || a.index() > 5) {
                throw BulwarkException.invalid(source, p + ".index", "must be 0..5, got " + a.index());
            }
            if (a.value() == null) {
                throw BulwarkException.invalid(source, p + ".value", "is required");
            }
            ScmpCompare op = a.op() == null ? null : ScmpCompare.ofOciName(a.op());
            if (op == null) {
                throw BulwarkException.invalid(source, p + ".op", "unknown operator \"" + a.op() + "\" (expected one of "
                    + Arrays.stream(ScmpCompare.values()).map(c -> c.ociName).collect(Collectors.joining(", ")) + ")");
            }
            long two = a.valueTwo() == null ? 0 : a.valueTwo();
            repeated |= seen[a.index()];
            seen[a.index()] = true;
            conditions.add(new ArgCondition(a.index(), op, a.value(), two));
        }
        if (repeated) {
            return conditions.stream().map(List::of).toList();
        }
        return List.of(conditions);
    }
}
