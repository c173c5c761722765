package io.bulwark.seccomp.compile;

import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spec.SeccompArg;
import io.bulwark.core.spec.SeccompSyscall;
import io.bulwark.seccomp.libseccomp.ScmpCompare;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of seccomp profiles whose meaning is unambiguous (each syscall name in at most one rule) together with
 * syscalls to evaluate, with argument values chosen near the values the rules compare against.
 */
public final class GeneratedProfiles {
    public static final String LISTENER = "/run/bulwark-test/listener.sock";

    /** A generated profile plus calls (syscall name, arguments) to evaluate under it. */
    public record Case(Seccomp profile, List<Call> calls) {
    }

    public record Call(String name, long[] args) {
        @Override
        public String toString() {
            return name + Arrays.toString(Arrays.stream(args).mapToObj(Long::toHexString).toArray());
        }
    }

    private GeneratedProfiles() {
    }

    private static final List<Long> EDGES = List.of(0L, 1L, 2L, 0xffL, 0x7fffffffL, 0x80000000L, 0xffffffffL,
        0x100000000L, 0x1ffffffffL, -1L, Long.MIN_VALUE, Long.MAX_VALUE);

    static Arbitrary<Long> values() {
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.of(EDGES)),
            net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(0, 64)),
            net.jqwik.api.Tuple.of(1, Arbitraries.longs()));
    }

    static Arbitrary<String[]> verdicts(List<String> actions) {
        Arbitrary<String> action = Arbitraries.of(actions);
        Arbitrary<Long> errno = Arbitraries.longs().between(0, 4095);
        return Combinators.combine(action, errno, Arbitraries.integers().between(0, 2))
            .as((a, e, useErrno) -> new String[] {a,
                (a.equals("SCMP_ACT_ERRNO") || a.equals("SCMP_ACT_TRACE")) && useErrno > 0 ? String.valueOf(e) : null});
    }

    static Arbitrary<SeccompArg> args() {
        return Combinators.combine(Arbitraries.integers().between(0, 5).edgeCases(c -> c.includeOnly(0, 1)),
                Arbitraries.of(ScmpCompare.values()), values(), values())
            .as((i, op, v, two) -> new SeccompArg(i, v, op == ScmpCompare.MASKED_EQ ? (two & v) : two, op.ociName));
    }

    /**
     * Profiles over {@code pool} with the given actions for rules and default; each pool name is in at most one rule.
     */
    public static Arbitrary<Case> cases(List<String> pool, List<String> ruleActions, List<String> defaultActions,
                                        int maxCalls) {
        Arbitrary<String[]> defaults = verdicts(defaultActions);
        int maxRules = 6;
        Arbitrary<List<Integer>> assignment = Arbitraries.integers().between(-1, maxRules - 1)
            .list().ofSize(pool.size());
        Arbitrary<List<String[]>> ruleVerdicts = verdicts(ruleActions).list().ofSize(maxRules);
        Arbitrary<List<List<SeccompArg>>> ruleArgs = args().list().ofMaxSize(3).list().ofSize(maxRules);
        Arbitrary<Seccomp> profiles = Combinators.combine(defaults, assignment, ruleVerdicts, ruleArgs)
            .as((d, assign, verdicts, argLists) -> {
                List<SeccompSyscall> rules = new ArrayList<>();
                for (int r = 0; r < maxRules; r++) {
                    List<String> names = new ArrayList<>();
                    for (int n = 0; n < pool.size(); n++) {
                        if (assign.get(n) == r) {
                            names.add(pool.get(n));
                        }
                    }
                    if (!names.isEmpty()) {
                        String[] v = verdicts.get(r);
                        rules.add(new SeccompSyscall(names, v[0], v[1] == null ? null : Long.valueOf(v[1]),
                            argLists.get(r).isEmpty() ? null : argLists.get(r)));
                    }
                }
                return new Seccomp(d[0], d[1] == null ? null : Long.valueOf(d[1]), null, null, LISTENER, null, rules);
            });
        return profiles.flatMap(p -> calls(p, pool).list().ofMinSize(1).ofMaxSize(maxCalls)
            .map(calls -> new Case(p, calls)));
    }

    /** Calls whose arguments are the values the profile compares against, nudged by -1/0/+1, or arbitrary ones. */
    static Arbitrary<Call> calls(Seccomp p, List<String> pool) {
        List<Long> near = new ArrayList<>(EDGES);
        for (SeccompSyscall s : p.syscalls()) {
            if (s.args() != null) {
                for (SeccompArg a : s.args()) {
                    for (long d = -1; d <= 1; d++) {
                        near.add(a.value() + d);
                        near.add(a.valueTwo() + d);
                        near.add(a.valueTwo() | ~a.value());
                    }
                }
            }
        }
        Arbitrary<Long> arg = Arbitraries.oneOf(Arbitraries.of(near), Arbitraries.of(near), values());
        return Combinators.combine(Arbitraries.of(pool), arg.list().ofSize(6))
            .as((name, a) -> new Call(name, a.stream().mapToLong(Long::longValue).toArray()));
    }
}
