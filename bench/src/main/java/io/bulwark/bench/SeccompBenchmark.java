package io.bulwark.bench;

import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spi.SeccompCompiler;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.cache.FilterCache;
import io.bulwark.seccomp.compile.ProfileCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * The default seccomp profile to BPF, as every {@code create} without its own profile needs it: built, compiled by
 * libseccomp (no cache), found in the process's memory cache (the resident server, the Java API) and read back
 * from the disk cache by a process that has not compiled it (a cold command: environment identity, key, read and
 * every check of the entry).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SeccompBenchmark {
    private SeccompCompiler compiler;
    private Seccomp profile;
    private Capabilities caps;

    private ProfileCompiler libseccomp;
    private Path diskCache;

    @Setup
    public void setUp() throws IOException {
        compiler = SeccompCompiler.load();
        List<String> runcDefault = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
        caps = new Capabilities(runcDefault, runcDefault, runcDefault, runcDefault, runcDefault);
        profile = compiler.defaultProfile(caps);
        libseccomp = ProfileCompiler.system();
        diskCache = Files.createTempDirectory("bulwark-bench-seccomp-cache").resolve("cache");
        FilterCache.at(diskCache).get(profile, () -> libseccomp.compile(profile, "bench", "$.linux.seccomp"));
    }

    @TearDown
    public void tearDown() throws IOException {
        BenchBundle.delete(diskCache.getParent());
    }

    @Benchmark
    public Seccomp defaultProfile() {
        return compiler.defaultProfile(caps);
    }

    /** libseccomp itself, no cache. */
    @Benchmark
    public SeccompProgram compileDefaultProfile() {
        return libseccomp.compile(profile, "bench", "$.linux.seccomp");
    }

    /** The service as a runtime calls it: a hit in the process's memory cache. */
    @Benchmark
    public SeccompProgram compileDefaultProfileCached() {
        return compiler.compile(profile, "bench", "$.linux.seccomp");
    }

    /** A fresh cache (as in a new process) that finds the program on disk. */
    @Benchmark
    public SeccompProgram readDefaultProfileFromDiskCache() {
        return FilterCache.at(diskCache).get(profile, () -> {
            throw new IllegalStateException("the disk cache missed");
        });
    }
}
