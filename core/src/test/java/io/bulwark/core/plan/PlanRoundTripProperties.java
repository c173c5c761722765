package io.bulwark.core.plan;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import net.jqwik.api.*;

/** Java's encoder and the shim's decoder agree on generated plans; corrupted plans never crash the decoder. */
class PlanRoundTripProperties {

    @Property(tries = 60, seed = "20261127")
    void shimDumpEqualsJavaDump(@ForAll("plans") Plan plan) {
        ShimCheck.Result r = ShimCheck.check(PlanEncoder.encode(plan));
        assertEquals(0, r.exit(), r.err());
        assertEquals(PlanDump.render(plan), r.out());
    }

    @Property(tries = 60, seed = "20261127")
    void corruptedPlansAreRejectedOrDecodedButNeverCrash(@ForAll("plans") Plan plan,
                                                         @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 10_000) int at,
                                                         @ForAll byte value) {
        byte[] b = PlanEncoder.encode(plan);
        b[at % b.length] ^= (byte) (value == 0 ? 1 : value);
        ShimCheck.Result r = ShimCheck.check(b);
        assertTrue(r.exit() == 0 || r.exit() == 2, "exit " + r.exit() + ": " + r.err());
        if (r.exit() == 2) {
            assertTrue(r.err().startsWith("invalid plan: "), r.err());
        }
    }

    @Provide
    Arbitrary<Plan> plans() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(40)
            .filter(s -> s.indexOf('\0') < 0);
        Arbitrary<String> path = Arbitraries.strings().withChars("abc/._-\u00e9 \"\\").ofMaxLength(30).map(s -> "/" + s);
        Arbitrary<Long> u32 = Arbitraries.longs().between(0, 0xffffffffL);
        Arbitrary<MountPlan> mount = Combinators.combine(text, path, Arbitraries.of("", "tmpfs", "proc"),
            Arbitraries.longs(), Arbitraries.longs(), text).as(MountPlan::new);
        Arbitrary<DevicePlan> device = Combinators.combine(Arbitraries.of('c', 'b', 'p'), path, u32, u32,
            Arbitraries.integers().between(0, 07777), u32, u32).as(DevicePlan::new);
        Arbitrary<RlimitPlan> rlimit = Combinators.combine(Arbitraries.integers().between(0, 15),
            Arbitraries.longs().between(0, Long.MAX_VALUE)).as((res, v) -> new RlimitPlan(res, v / 2, v));
        Arbitrary<UserPlan> user = Combinators.combine(u32, u32, Arbitraries.integers().between(0, 0777).injectNull(0.3),
            u32.list().ofMaxSize(4)).as(UserPlan::new);
        Arbitrary<CapabilityPlan> caps = Combinators.combine(Arbitraries.longs(), Arbitraries.longs(),
            Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs()).as(CapabilityPlan::new);
        Arbitrary<SeccompPlan> seccomp = Combinators.combine(Arbitraries.integers().between(0, 63),
            Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(12).map(a -> java.util.Arrays.copyOf(a, a.length * 8)))
            .as(SeccompPlan::new);
        Arbitrary<ProcessPlan> process = Combinators.combine(
            path.injectNull(0.7), text.list().ofMinSize(1).ofMaxSize(4), text.list().ofMaxSize(4),
            path.injectNull(0.3), user.injectNull(0.3), caps.injectNull(0.3), rlimit.list().ofMaxSize(3),
            Arbitraries.of(true, false)).as((exe, args, env, cwd, u, c, rl, nnp) ->
                new ProcessPlan(exe, args, env, cwd, u, c, rl, nnp, null, false, null, null));
        Arbitrary<ProcessPlan> process2 = Combinators.combine(process,
            Arbitraries.integers().between(-1000, 1000).injectNull(0.5), Arbitraries.of(true, false),
            text.injectNull(0.5), seccomp.injectNull(0.5),
            Combinators.combine(Arbitraries.integers().between(0, ConsoleSizePlan.MAX),
                Arbitraries.integers().between(0, ConsoleSizePlan.MAX)).as(ConsoleSizePlan::new).injectNull(0.5))
            .as((p, oom, tty, aa, sc, size) ->
                new ProcessPlan(p.executable(), p.args(), p.env(), p.cwd(), p.user(), p.capabilities(), p.rlimits(),
                    p.noNewPrivileges(), oom, tty, aa, sc, size));
        Arbitrary<List<NamespaceJoin>> joins = Combinators.combine(u32, path).as(NamespaceJoin::new).list().ofMaxSize(3);
        Arbitrary<FdPlan> fds = Arbitraries.integers().between(0, 4).flatMap(pres ->
            Combinators.combine(Arbitraries.integers().between(3 + pres, 100),
                Arbitraries.integers().between(3 + pres, 100).injectNull(0.5)).as((s, c) ->
                    new FdPlan(s, c == null ? -1 : c, -1, pres)));
        Arbitrary<Plan> init = Combinators.combine(
            Arbitraries.longs().between(1, Long.MAX_VALUE), joins,
            Combinators.combine(path, Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.longs())
                .as(RootfsPlan::new),
            text.injectNull(0.5), mount.list().ofMaxSize(4), device.list().ofMaxSize(3),
            Combinators.combine(text, path).as(SymlinkPlan::new).list().ofMaxSize(2),
            path.list().ofMaxSize(3)).as((ns, j, root, host, ms, ds, ls, masked) ->
                new Plan(Plan.Kind.INIT, ns, j, root, host, null, ms, ds, ls, masked, List.of(), List.of(),
                    new ProcessPlan(null, List.of("x"), List.of(), null, null, null, List.of(), false, null, false,
                        null, null), FdPlan.UNASSIGNED, false, null, null, null));
        Arbitrary<Plan> full = Combinators.combine(init, process2, fds, path.list().ofMaxSize(2),
            Combinators.combine(Arbitraries.strings().withChars("abcz_.").ofMinLength(1).ofMaxLength(12)
                .filter(k -> !k.startsWith(".") && !k.contains("..")), text).as(SysctlPlan::new).list().ofMaxSize(2),
            Arbitraries.of(true, false), Arbitraries.integers().between(0, 1)).as((p, proc, f, ro, sys, hooks, fifo) ->
                new Plan(Plan.Kind.INIT, p.newNamespaces(), p.joins(), p.rootfs(), p.hostname(), p.domainname(),
                    p.mounts(), p.devices(), p.symlinks(), p.maskedPaths(), ro, sys, proc,
                    new FdPlan(f.sync(), f.console(), fifo == 1 ? 3 + f.preserveFds() : -1, f.preserveFds()), hooks,
                    fifo == 1 ? 8 : null, hooks ? new TimeOffsetsPlan(fifo - 7, 12, 99, 0) : null, null,
                    hooks ? 0xFFFFFFFFL - fifo : null));
        Arbitrary<Plan> exec = Combinators.combine(joins, process2, fds, Arbitraries.of(Plan.Kind.EXEC, Plan.Kind.HOOK))
            .as((j, p, f, kind) -> Plan.joining(kind, j,
                kind == Plan.Kind.HOOK && p.executable() == null
                    ? new ProcessPlan("/hook", p.args(), p.env(), p.cwd(), p.user(), p.capabilities(), p.rlimits(),
                        p.noNewPrivileges(), p.oomScoreAdj(), p.terminal(), p.apparmorProfile(), p.seccomp(),
                        p.consoleSize())
                    : p, f));
        Arbitrary<IdMappingPlan> line = Combinators.combine(Arbitraries.longs().between(0, 1L << 31),
            Arbitraries.longs().between(0, 1L << 31), Arbitraries.longs().between(1, 1L << 31)).as(IdMappingPlan::new);
        Arbitrary<IdMapsPlan> maps = Combinators.combine(line.list().ofMinSize(1).ofMaxSize(4),
            line.list().ofMinSize(1).ofMaxSize(4)).as(IdMapsPlan::new);
        Arbitrary<Plan> guest = Combinators.combine(full, maps).as(PlanRoundTripProperties::guest);
        return Arbitraries.oneOf(full, exec, guest);
    }

    /** The guest plan that an init plan would be: no joins, descriptors, hooks, terminal or listener; maps with a user namespace. */
    static Plan guest(Plan p, IdMapsPlan maps) {
        ProcessPlan q = p.process();
        SeccompPlan sc = q.seccomp() == null ? null
            : new SeccompPlan(q.seccomp().flags() & ~SeccompPlan.FLAG_NEW_LISTENER, q.seccomp().filter());
        ProcessPlan proc = new ProcessPlan(q.executable(), q.args(), q.env(), q.cwd(), q.user(), q.capabilities(),
            q.rlimits(), q.noNewPrivileges(), q.oomScoreAdj(), false, q.apparmorProfile(), sc, q.consoleSize());
        Plan init = new Plan(Plan.Kind.INIT, p.newNamespaces(), List.of(), p.rootfs(), p.hostname(), p.domainname(),
            p.mounts(), p.devices(), p.symlinks(), p.maskedPaths(), p.readonlyPaths(), p.sysctls(), proc, p.fds(),
            false, p.personality(), p.timeOffsets(), null);
        return init.asGuest(p.rootfs(), p.mounts(),
            (p.newNamespaces() & LinuxConstants.CLONE_NEWUSER) != 0 ? maps : null);
    }
}
