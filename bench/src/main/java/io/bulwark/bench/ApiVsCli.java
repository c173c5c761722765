package io.bulwark.bench;

import io.bulwark.core.api.CreateOptions;
import io.bulwark.core.api.DefaultSeccompFilter;
import io.bulwark.core.api.Runtime;
import io.bulwark.core.spi.SeccompCompiler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Target 3 of the performance work, side by side in one process: the Java API's start-to-exit of {@code /bin/true}
 * ({@link Runtime#run}: create, start, wait, delete) in this warmed-up JVM, interleaved (A B A B) with other
 * runtimes' CLI {@code run} of the same bundle, then sustained throughput with N containers in flight, API and CLI
 * in alternating rounds. Driven by bench/api.sh, which builds the bundle and {@code runstat}; a CLI run is timed by
 * runstat (fork, exec, wait4 on a monotonic clock: what bench/compare.sh measures), an API run by
 * {@link System#nanoTime} around the call.
 *
 * <pre>
 * ApiVsCli --bundle DIR --root DIR --out DIR [-n RUNS] [--warmup RUNS] [--rounds R] [--seconds S]
 *          [--parallel 1,2,8] [--describe TEXT] --cli NAME=COMMAND-PREFIX ...
 * </pre>
 * A CLI's prefix gets {@code run --bundle DIR ID} appended and must print runstat's "WALL_NS RSS EXIT CPU" line last
 * on stderr. The first CLI named is the API's reference (the ratio column); crun in bench/api.sh.
 */
public final class ApiVsCli {
    private static final String API = "bulwark-api";

    private final Path bundle;
    private final Runtime runtime;
    private final Map<String, List<String>> clis;
    private final List<String> samples = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final String prefix = "a" + ProcessHandle.current().pid() + "-";

    private ApiVsCli(Path bundle, Runtime runtime, Map<String, List<String>> clis) {
        this.bundle = bundle;
        this.runtime = runtime;
        this.clis = clis;
    }

    public static void main(String[] args) throws Exception {
        Path bundle = null;
        Path root = null;
        Path out = null;
        int runs = 100;
        int warmup = 300;
        int rounds = 3;
        double seconds = 5;
        int[] parallel = {1, 2, 8};
        String describe = "";
        Map<String, List<String>> clis = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            i++;
            switch (a) {
                case "--bundle" -> bundle = Path.of(v);
                case "--root" -> root = Path.of(v);
                case "--out" -> out = Path.of(v);
                case "-n" -> runs = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--parallel" -> parallel = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--describe" -> describe = v;
                case "--cli" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--cli wants NAME=COMMAND-PREFIX, got " + v);
                    }
                    clis.put(v.substring(0, eq), List.of(v.substring(eq + 1).trim().split("\\s+")));
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (bundle == null || root == null || out == null || clis.isEmpty()) {
            throw new IllegalArgumentException("--bundle, --root, --out and at least one --cli are needed");
        }
        Runtime.Builder b = Runtime.builder().root(root).backend(ApiFixture.linuxBackend());
        // wired as the command line wires it: the default seccomp filter on every container
        b.seccompCompiler(SeccompCompiler.load());
        b.filter(new DefaultSeccompFilter(SeccompCompiler.load()));
        ApiVsCli bench = new ApiVsCli(bundle, b.build(), clis);
        String loadBefore = loadavg();
        bench.warmUp(warmup);
        bench.latency(runs);
        bench.throughput(rounds, seconds, parallel);
        bench.report(out, describe, loadBefore, runs, warmup, rounds, seconds, parallel);
    }

    /** JIT, page cache and the seccomp cache warm: what an embedding service runs with after its first minutes. */
    private void warmUp(int count) throws IOException, InterruptedException {
        System.err.printf("warming up: %d API runs, 5 runs of each CLI%n", count);
        for (int i = 0; i < count; i++) {
            apiRun();
        }
        for (String name : clis.keySet()) {
            for (int i = 0; i < 5; i++) {
                cliRun(name);
            }
        }
    }

    private void latency(int runs) throws IOException, InterruptedException {
        System.err.printf("measuring %d interleaved runs of: %s %s%n", runs, API, String.join(" ", clis.keySet()));
        for (int i = 1; i <= runs; i++) {
            long[] api = apiRun();
            samples.add(String.join(",", API, "run", "" + i, "1", "" + api[0], "1", "" + api[1]));
            for (String name : clis.keySet()) {
                long[] cli = cliRun(name);
                samples.add(String.join(",", name, "run", "" + i, "1", "" + cli[0], "1", "" + cli[1]));
            }
            if (i % 20 == 0) {
                System.err.printf("  %d/%d%n", i, runs);
            }
        }
    }

    /**
     * Rounds of every N, API then the reference CLI, each phase {@code seconds} long: N workers each start the next
     * container as soon as theirs has ended; the rate counts the containers finished over the phase's time.
     */
    private void throughput(int rounds, double seconds, int[] parallel) throws Exception {
        String reference = clis.keySet().iterator().next();
        for (int r = 1; r <= rounds; r++) {
            for (int n : parallel) {
                for (String who : List.of(API, reference)) {
                    System.err.printf("  throughput round %d/%d: %s, %d in flight%n", r, rounds, who, n);
                    long[] result = phase(who, n, (long) (seconds * 1e9));
                    samples.add(String.join(",", who, "throughput", "" + r, "" + n, "" + result[0], "" + result[1],
                        "" + result[2]));
                }
            }
        }
    }

    /** Returns {elapsed ns, containers finished, failures}. */
    private long[] phase(String who, int n, long nanos) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            long start = System.nanoTime();
            long deadline = start + nanos;
            List<Future<long[]>> workers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                workers.add(pool.submit(() -> {
                    long done = 0;
                    long failed = 0;
                    while (System.nanoTime() < deadline) {
                        long[] one = API.equals(who) ? apiRun() : cliRun(who);
                        if (one[1] == 0) {
                            done++;
                        } else {
                            failed++;
                        }
                    }
                    return new long[] {done, failed};
                }));
            }
            long done = 0;
            long failed = 0;
            for (Future<long[]> w : workers) {
                long[] counts = w.get();
                done += counts[0];
                failed += counts[1];
            }
            return new long[] {System.nanoTime() - start, done, failed};
        } finally {
            pool.shutdownNow();
        }
    }

    /** Returns {wall ns, exit status}. */
    private long[] apiRun() {
        String id = prefix + ids.incrementAndGet();
        long t0 = System.nanoTime();
        int exit;
        try {
            exit = runtime.run(CreateOptions.of(id, bundle));
        } catch (RuntimeException e) {
            System.err.println("  " + API + " " + id + ": " + e.getMessage());
            exit = -1;
        }
        return new long[] {System.nanoTime() - t0, exit};
    }

    /** Returns {wall ns, exit status} as runstat measured them. */
    private long[] cliRun(String name) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(clis.get(name));
        cmd.addAll(List.of("run", "--bundle", bundle.toString(), prefix + name + "-" + ids.incrementAndGet()));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String err;
        try (InputStream in = p.getErrorStream()) {
            err = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        int status = p.waitFor();
        String[] lines = err.split("\n");
        String[] f = lines[lines.length - 1].trim().split("\\s+");
        if (status != 0 || f.length < 3) {
            System.err.println("  " + name + ": runstat failed: " + err);
            return new long[] {0, status == 0 ? -1 : status};
        }
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[2])};
    }

    private void report(Path out, String describe, String loadBefore, int runs, int warmup, int rounds, double seconds,
                        int[] parallel) throws IOException {
        Files.createDirectories(out);
        List<String> csv = new ArrayList<>();
        csv.add("runtime,op,iteration,parallel,wall_ns,containers,exit_or_failures");
        csv.addAll(samples);
        Files.write(out.resolve("api-samples.csv"), csv);

        String reference = clis.keySet().iterator().next();
        List<String> names = new ArrayList<>();
        names.add(API);
        names.addAll(clis.keySet());
        StringBuilder md = new StringBuilder();
        md.append("Java API (in-process, warmed-up JVM) vs CLI `run`: busybox bundle, /bin/true, ").append(runs)
            .append(" interleaved runs after ").append(warmup).append(" API warm-up runs, fresh id each\n");
        md.append("(").append(describe).append(")\n");
        md.append("(load average before: ").append(loadBefore).append(", after: ").append(loadavg()).append(")\n\n");
        md.append("| runtime | start-to-exit median (min-max) ms | p90 ms | vs ").append(reference)
            .append(" | failures |\n|---|---|---|---|---|\n");
        double refMedian = median(times(reference));
        for (String name : names) {
            double[] t = times(name);
            long failures = samples.stream().filter(s -> s.startsWith(name + ",run,") && !s.endsWith(",0")).count();
            md.append(String.format(Locale.ROOT, "| %s | %.2f (%.2f-%.2f) | %.2f | %.2fx | %d |\n", name, median(t),
                min(t), max(t), percentile(t, 0.9), median(t) / refMedian, failures));
        }
        md.append(String.format(Locale.ROOT, "%nThroughput, containers/s with N in flight (%d rounds of %.0f s each, "
            + "API and %s alternating; median (min-max) of the rounds):%n%n", rounds, seconds, reference));
        md.append("| N | ").append(API).append(" | ").append(reference).append(" CLI | API vs ").append(reference)
            .append(" |\n|---|---|---|---|\n");
        for (int n : parallel) {
            double[] api = rates(API, n);
            double[] ref = rates(reference, n);
            md.append(String.format(Locale.ROOT, "| %d | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | %.2fx |\n", n,
                median(api), min(api), max(api), median(ref), min(ref), max(ref), median(api) / median(ref)));
        }
        long failed = samples.stream().filter(s -> s.contains(",throughput,"))
            .mapToLong(s -> Long.parseLong(s.substring(s.lastIndexOf(',') + 1))).sum();
        if (failed > 0) {
            md.append("\nWARNING: ").append(failed).append(" containers failed during the throughput rounds\n");
        }
        md.append("\n(start-to-exit: the API's Runtime.run (create, start, wait, delete) timed in-process; a CLI's `run` "
            + "timed by runstat as in bench/compare.sh)\n");
        Files.writeString(out.resolve("api.md"), md);
        System.out.print(md);
    }

    private double[] times(String name) {
        return samples.stream().map(s -> s.split(","))
            .filter(f -> f[0].equals(name) && f[1].equals("run") && f[6].equals("0"))
            .mapToDouble(f -> Long.parseLong(f[4]) / 1e6).sorted().toArray();
    }

    private double[] rates(String name, int n) {
        return samples.stream().map(s -> s.split(","))
            .filter(f -> f[0].equals(name) && f[1].equals("throughput") && f[3].equals("" + n))
            .mapToDouble(f -> Long.parseLong(f[5]) / (Long.parseLong(f[4]) / 1e9)).sorted().toArray();
    }

    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    private static double percentile(double[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    }

    private static double min(double[] sorted) {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    private static double max(double[] sorted) {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    private static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
