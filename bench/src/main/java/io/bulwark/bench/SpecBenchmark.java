package io.bulwark.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.core.api.CreateOptions;
import io.bulwark.core.api.Runtime;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.SpecParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reading a bundle's configuration: what {@code create} pays before any system call. {@code prepareBundle} is the
 * public path (read config.json, parse strictly, validate, run the spec filters: here none),
 * {@code strictParseAndValidate} the parser alone; the Jackson ones isolate plain databinding, with a mapper made
 * per call and a shared one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SpecBenchmark {
    private byte[] config;
    private String json;
    private ObjectMapper shared;
    private BenchBundle bundle;
    private Runtime runtime;
    private CreateOptions options;

    @Setup
    public void setUp() throws IOException {
        config = BenchBundle.configBytes();
        json = new String(config, java.nio.charset.StandardCharsets.UTF_8);
        shared = mapper();
        bundle = BenchBundle.create(false);
        runtime = Runtime.builder().root(Path.of(System.getProperty("java.io.tmpdir"), "bulwark-bench-root")).build();
        options = CreateOptions.of("bench", bundle.dir());
    }

    @TearDown
    public void tearDown() throws IOException {
        bundle.close();
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    @Benchmark
    public Spec prepareBundle() {
        return runtime.prepare(options);
    }

    /** The strict parser and validator that create uses (errors with file, JSON path and problem). */
    @Benchmark
    public Spec strictParseAndValidate() {
        return SpecParser.load(json, "config.json");
    }

    @Benchmark
    public Spec jacksonSharedMapper() throws IOException {
        return shared.readValue(config, Spec.class);
    }

    @Benchmark
    public Spec jacksonFreshMapper() throws IOException {
        return mapper().readValue(config, Spec.class);
    }
}
