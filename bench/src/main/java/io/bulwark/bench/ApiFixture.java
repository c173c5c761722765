package io.bulwark.bench;

import io.bulwark.core.api.CreateOptions;
import io.bulwark.core.api.DefaultSeccompFilter;
import io.bulwark.core.api.Runtime;
import io.bulwark.core.backend.Backend;
import io.bulwark.core.cgroup.LinuxCgroupHook;
import io.bulwark.core.linux.LinuxBackend;
import io.bulwark.core.spi.SeccompCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The public Java API in-process, on real containers (root and the linux backend needed): start-to-exit latency of
 * {@code /bin/true} ({@code run} = create + start + wait + delete), and sustained throughput with N containers in
 * flight at once. The runtime is wired as the command line wires it: the linux backend and, when the seccomp module
 * is present, the default seccomp profile.
 */
@State(Scope.Benchmark)
public abstract class ApiFixture {
    private static final AtomicLong IDS = new AtomicLong();

    BenchBundle bundle;
    private Path root;
    private Runtime runtime;
    ExecutorService pool;

    /** Containers in flight at once. */
    abstract int parallelism();

    @Setup
    public void setUp() throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the API benchmarks create real containers: run it as root");
        }
        bundle = BenchBundle.create(true);
        root = Files.createTempDirectory("bulwark-bench-root");
        Runtime.Builder b = Runtime.builder().root(root).backend(linuxBackend());
        try {
            b.seccompCompiler(SeccompCompiler.load());
            b.filter(new DefaultSeccompFilter(SeccompCompiler.load()));
        } catch (RuntimeException absent) {
            System.err.println("ApiFixture: no seccomp module on the class path, containers run without a filter");
        }
        runtime = b.build();
        pool = Executors.newFixedThreadPool(parallelism());
        int exit = runOne();
        if (exit != 0) {
            throw new IllegalStateException("/bin/true exited " + exit + " in the benchmark bundle");
        }
    }

    /** The linux backend with cgroups, as the command line wires it. */
    static Backend linuxBackend() {
        return new LinuxBackend(new LinuxCgroupHook());
    }

    @TearDown
    public void tearDown() throws IOException {
        pool.shutdownNow();
        for (String id : runtime.store().ids()) {
            try {
                runtime.delete(id, true);
            } catch (RuntimeException ignored) {
                // best effort: the directory goes below anyway
            }
        }
        BenchBundle.delete(root);
        bundle.close();
    }

    int runOne() {
        return runtime.run(CreateOptions.of("api-" + IDS.incrementAndGet(), bundle.dir()));
    }

    static int check(int exit) {
        if (exit != 0) {
            throw new IllegalStateException("/bin/true exited " + exit);
        }
        return exit;
    }
}
