package io.bulwark.bench;

import io.bulwark.core.plan.Plan;
import io.bulwark.core.plan.PlanEncoder;
import io.bulwark.core.plan.SpecConverter;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.SpecParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Turning a validated configuration into the shim's binary plan, as every create and exec does. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PlanBenchmark {
    private Spec spec;
    private Plan plan;
    private final Path bundle = Path.of("/srv/bundle");

    @Setup
    public void setUp() {
        spec = SpecParser.load(new String(BenchBundle.configBytes(), StandardCharsets.UTF_8), "config.json");
        plan = SpecConverter.convert(spec, bundle, false, null);
    }

    @Benchmark
    public Plan convert() {
        return SpecConverter.convert(spec, bundle, false, null);
    }

    @Benchmark
    public byte[] encode() {
        return PlanEncoder.encode(plan);
    }

    @Benchmark
    public byte[] convertAndEncode() {
        return PlanEncoder.encode(SpecConverter.convert(spec, bundle, false, null));
    }
}
