package io.bulwark.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Start-to-exit latency of one {@code /bin/true} container through the Java API, one at a time. */
@State(Scope.Benchmark)
public class ApiLatencyBenchmark extends ApiFixture {
    @Override
    int parallelism() {
        return 1;
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int startToExit() {
        return check(runOne());
    }
}
