package io.bulwark.fuzz.plan;

import io.bulwark.core.plan.CapabilityPlan;
import io.bulwark.core.plan.DevicePlan;
import io.bulwark.core.plan.FdPlan;
import io.bulwark.core.plan.IdMappingPlan;
import io.bulwark.core.plan.IdMapsPlan;
import io.bulwark.core.plan.MountPlan;
import io.bulwark.core.plan.NamespaceJoin;
import io.bulwark.core.plan.Plan;
import io.bulwark.core.plan.PlanFormat;
import io.bulwark.core.plan.ProcessPlan;
import io.bulwark.core.plan.RlimitPlan;
import io.bulwark.core.plan.RootfsPlan;
import io.bulwark.core.plan.SeccompPlan;
import io.bulwark.core.plan.SymlinkPlan;
import io.bulwark.core.plan.SysctlPlan;
import io.bulwark.core.plan.TimeOffsetsPlan;
import io.bulwark.core.plan.UserPlan;
import io.bulwark.fuzz.json.JsonGen;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Plans within what the shim's decoder documents as valid (absolute paths, rlimit soft <= hard, oom_score_adj in
 * -1000..1000, sane descriptors, at most 4096 BPF instructions), but otherwise as hostile as possible: every
 * 32/64-bit boundary, long and non-ASCII strings, quotes and backslashes (which the canonical dump escapes), many
 * records. Whatever Java encodes from such a plan, the shim must decode to the same canonical dump.
 */
public final class PlanGen {
    private static final long[] EDGE_LONGS = {0, 1, -1, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L,
        Long.MAX_VALUE, Long.MIN_VALUE, 0x00200000L, 0x7fffffffffffffffL - 1};

    private final JsonGen gen;
    private final Random random;
    private final int bigPercent;

    public PlanGen(Random random) {
        this(random, true);
    }

    /** {@code big}: now and then thousands of records or strings of 100 KiB (slower, so not in every batch). */
    public PlanGen(Random random, boolean big) {
        this.random = random;
        this.gen = new JsonGen(random);
        this.bigPercent = big ? 2 : 0;
    }

    public Plan plan() {
        int k = gen.below(12);
        if (k < 6) {
            return init();
        }
        if (k >= 10) {
            return guest();
        }
        Plan.Kind kind = k < 8 ? Plan.Kind.EXEC : Plan.Kind.HOOK;
        ProcessPlan p = process(kind == Plan.Kind.HOOK);
        return Plan.joining(kind, list(3, this::join), p, fds(false));
    }

    private Plan init() {
        Plan p = new Plan(Plan.Kind.INIT, gen.chance(80) ? nonZero() : 0, list(4, this::join),
            new RootfsPlan(path(), random.nextBoolean(), random.nextBoolean(), longValue()),
            gen.chance(50) ? text() : null, gen.chance(30) ? text() : null,
            list(gen.chance(bigPercent) ? 2000 : 12, this::mount), list(8, this::device),
            list(4, () -> new SymlinkPlan(text(), path())), list(10, this::path), list(10, this::path),
            list(4, () -> new SysctlPlan(sysctlKey(), text())), process(false), fds(true), random.nextBoolean(),
            gen.chance(30) ? (Integer) random.nextInt() : null,
            gen.chance(30) ? new TimeOffsetsPlan(longValue(), gen.below(1_000_000_000), longValue(),
                gen.below(1_000_000_000)) : null, null);
        return gen.chance(30) ? p.withWallClockLimit(1 + u32() % 0xFFFFFFFFL) : p;
    }

    /**
     * A microVM guest plan: an init plan without what a guest has none of (descriptors, joins, hooks, terminal,
     * seccomp listener), with id maps exactly when it creates a user namespace (every edge of the 2^32 range).
     */
    private Plan guest() {
        Plan p = init();
        ProcessPlan q = p.process();
        SeccompPlan sc = q.seccomp() == null ? null
            : new SeccompPlan(q.seccomp().flags() & ~SeccompPlan.FLAG_NEW_LISTENER, q.seccomp().filter());
        ProcessPlan proc = new ProcessPlan(q.executable(), q.args(), q.env(), q.cwd(), q.user(), q.capabilities(),
            q.rlimits(), q.noNewPrivileges(), q.oomScoreAdj(), false, q.apparmorProfile(), sc, q.consoleSize());
        Plan init = new Plan(Plan.Kind.INIT, p.newNamespaces(), List.of(), p.rootfs(), p.hostname(), p.domainname(),
            p.mounts(), p.devices(), p.symlinks(), p.maskedPaths(), p.readonlyPaths(), p.sysctls(), proc, p.fds(),
            false, p.personality(), p.timeOffsets(), null);
        boolean user = (p.newNamespaces() & io.bulwark.core.plan.LinuxConstants.CLONE_NEWUSER) != 0;
        return init.asGuest(p.rootfs(), p.mounts(), user ? new IdMapsPlan(idMap(), idMap()) : null);
    }

    private List<IdMappingPlan> idMap() {
        int n = gen.chance(bigPercent) ? PlanFormat.MAX_ID_MAP_LINES : 1 + gen.below(5);
        List<IdMappingPlan> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long size = 1 + (u32() % 0xffffffffL);
            long room = (1L << 32) - size;
            lines.add(new IdMappingPlan(gen.chance(30) ? room : u32() % (room + 1), gen.chance(30) ? room
                : u32() % (room + 1), size));
        }
        return lines;
    }

    private ProcessPlan process(boolean needsExecutable) {
        return new ProcessPlan(needsExecutable || gen.chance(30) ? path() : null, list1(gen.chance(bigPercent) ? 3000 : 6),
            list(gen.chance(bigPercent) ? 3000 : 6, this::text), gen.chance(60) ? path() : null,
            gen.chance(60) ? user() : null,
            gen.chance(60) ? new CapabilityPlan(longValue(), longValue(), longValue(), longValue(), longValue()) : null,
            list(6, this::rlimit), random.nextBoolean(), gen.chance(50) ? gen.below(2001) - 1000 : null,
            random.nextBoolean(), gen.chance(30) ? text() : null, gen.chance(40) ? seccomp() : null);
    }

    private List<String> list1(int max) {
        List<String> l = list(max, this::text);
        if (l.isEmpty()) {
            l = new ArrayList<>(l);
            l.add(text());
        }
        return l;
    }

    private UserPlan user() {
        Integer umask = gen.chance(30) ? null : gen.chance(10) ? -1 : gen.below(01000);
        return new UserPlan(u32(), u32(), umask, list(gen.chance(bigPercent) ? 5000 : 6, () -> (Long) u32()));
    }

    private RlimitPlan rlimit() {
        long a = longValue();
        long b = longValue();
        return new RlimitPlan(gen.below(64), Long.compareUnsigned(a, b) <= 0 ? a : b,
            Long.compareUnsigned(a, b) <= 0 ? b : a);
    }

    private SeccompPlan seccomp() {
        int n = gen.chance(bigPercent) ? 4096 : 1 + gen.below(64);
        byte[] f = new byte[n * 8];
        random.nextBytes(f);
        return new SeccompPlan(random.nextInt(), f);
    }

    private FdPlan fds(boolean init) {
        int preserve = gen.chance(10) ? 1024 : gen.below(5);
        int low = 3 + preserve;
        return new FdPlan(low + gen.below(100), gen.chance(50) ? -1 : low + gen.below(100),
            init && gen.chance(50) ? low + gen.below(100) : -1, preserve);
    }

    private NamespaceJoin join() {
        return new NamespaceJoin(u32(), path());
    }

    private MountPlan mount() {
        return new MountPlan(text(), path(), gen.pick(List.of("", "proc", "tmpfs", "bind", "sysfs", text())),
            longValue(), longValue(), text());
    }

    private DevicePlan device() {
        return new DevicePlan(gen.pick(List.of('c', 'b', 'p')), path(), u32(), u32(), gen.below(010000), u32(),
            u32());
    }

    private String sysctlKey() {
        String k = gen.pick(List.of("net.ipv4.ip_forward", "kernel.shm_rmid_forced", "fs.mqueue.queues_max", "a",
            "net.core.somaxconn", "x_y-z.q"));
        return gen.chance(30) ? k + "." + gen.pick(List.of("a", "b\u00e9", "c d", "\"q\"", "e\\f")) : k;
    }

    /** An absolute path of hostile characters. */
    private String path() {
        return "/" + text();
    }

    /** Any string without NUL (the format cannot carry one), rarely with an unpaired surrogate (not UTF-8). */
    public String text() {
        String s;
        switch (gen.below(6)) {
            case 0:
                s = gen.pick(JsonGen.EDGE_STRINGS);
                break;
            case 1:
                s = gen.ascii(gen.below(30));
                break;
            case 2:
                s = gen.unicode(gen.below(20));
                break;
            case 3:
                s = "\"\\\u007f\u0080\u00ff\u2028" + gen.ascii(3);
                break;
            case 4:
                s = gen.chance(bigPercent) ? "x".repeat(50_000 + gen.below(100_000)) : gen.ascii(100 + gen.below(1000));
                break;
            default:
                s = gen.ascii(gen.below(8));
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (!Character.isSurrogate(c) || gen.chance(5)) {
                b.append(c); // now and then an unpaired surrogate, which has no UTF-8 form: the encoder must refuse it
            }
        }
        return b.toString();
    }

    private long nonZero() {
        long v = longValue();
        return v == 0 ? 1 : v;
    }

    private long longValue() {
        return gen.chance(50) ? EDGE_LONGS[gen.below(EDGE_LONGS.length)] : random.nextLong();
    }

    private long u32() {
        return gen.chance(50) ? EDGE_LONGS[gen.below(6)] & 0xffffffffL : random.nextLong() & 0xffffffffL;
    }

    private <T> List<T> list(int max, Supplier<T> item) {
        int n = gen.below(max + 1);
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(item.get());
        }
        return out;
    }
}
