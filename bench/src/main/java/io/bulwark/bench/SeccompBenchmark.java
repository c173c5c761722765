package io.bulwark.bench;

import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spi.SeccompCompiler;
import io.bulwark.core.spi.SeccompProgram;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Compiling the default seccomp profile to BPF (through the seccomp module found on the class path), as every
 * {@code create} without its own profile does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SeccompBenchmark {
    private SeccompCompiler compiler;
    private Seccomp profile;
    private Capabilities caps;

    @Setup
    public void setUp() {
        compiler = SeccompCompiler.load();
        List<String> runcDefault = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
        caps = new Capabilities(runcDefault, runcDefault, runcDefault, runcDefault, runcDefault);
        profile = compiler.defaultProfile(caps);
    }

    @Benchmark
    public Seccomp defaultProfile() {
        return compiler.defaultProfile(caps);
    }

    @Benchmark
    public SeccompProgram compileDefaultProfile() {
        return compiler.compile(profile, "bench", "$.linux.seccomp");
    }
}
