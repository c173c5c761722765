package io.bulwark.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Sustained throughput of the Java API with N {@code /bin/true} containers in flight at once. */
@State(Scope.Benchmark)
public class ApiThroughputBenchmark extends ApiFixture {
    @Param({"1", "2", "8"})
    public int parallel;

    @Override
    int parallelism() {
        return parallel;
    }

    /** Containers completed, reported by JMH as a rate next to the batch rate. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Completed {
        public long containers;

        @Setup(Level.Iteration)
        public void reset() {
            containers = 0;
        }
    }

    /** N containers at once, each run to exit: containers/s is the sustained throughput at N in flight. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void throughput(Completed completed) throws Exception {
        List<Future<Integer>> running = new ArrayList<>(parallel);
        for (int i = 0; i < parallel; i++) {
            running.add(pool.submit(this::runOne));
        }
        for (Future<Integer> f : running) {
            check(f.get());
        }
        completed.containers += parallel;
    }

}
