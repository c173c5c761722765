package io.bulwark.fuzz.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.fuzz.json.Documents;
import io.bulwark.fuzz.support.Bounded;
import io.bulwark.fuzz.support.Corpus;
import io.bulwark.fuzz.support.ErrorContract;
import io.bulwark.fuzz.support.Findings;
import io.bulwark.fuzz.support.FuzzProperty;
import io.bulwark.fuzz.support.TempFiles;
import io.bulwark.seccomp.bpf.BpfInterpreter;
import io.bulwark.seccomp.bpf.SeccompData;
import io.bulwark.seccomp.compile.ProfileCompiler;
import io.bulwark.seccomp.profile.DefaultProfile;
import io.bulwark.seccomp.profile.ProfileFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;

/**
 * Seccomp profile files, as {@code bulwark seccomp compile} and {@code linux.seccomp} read them: whatever the file
 * holds, reading and compiling it either gives a BPF program the interpreter can run or fails with a clear error.
 */
class SeccompProfileProperties {
    private static final ProfileCompiler COMPILER = ProfileCompiler.system();
    private static final TempFiles FILES = new TempFiles("bulwark-fuzz-seccomp");
    private static final Documents DOCUMENTS = new Documents(seeds(), Seccomp.class);

    static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        String arch = DefaultProfile.nativeArch();
        seeds.add(ProfileFile.toJson(DefaultProfile.forCapabilities(Set.of(), arch)).getBytes(StandardCharsets.UTF_8));
        seeds.add(ProfileFile.toJson(DefaultProfile.forCapabilities(Set.of("CAP_SYS_ADMIN", "CAP_SYS_PTRACE"), arch))
            .getBytes(StandardCharsets.UTF_8));
        Corpus.files("seccomp/seeds").forEach(p -> seeds.add(Corpus.read(p)));
        return seeds;
    }

    @Provide
    Arbitrary<Documents.Doc> profiles() {
        return DOCUMENTS.arbitrary();
    }

    @FuzzProperty(cases = 300)
    void profileCompilesOrFailsClearly(@ForAll("profiles") Documents.Doc doc) {
        Findings.guard(doc.bytes(), () -> check(doc.bytes()));
    }

    /** Every input that once broke the profile reader or compiler. */
    @net.jqwik.api.Example
    void regressions() {
        for (Path p : Corpus.files("seccomp/regressions")) {
            check(Corpus.read(p));
        }
    }

    static void check(byte[] bytes) {
        Path file = FILES.write("profile.json", bytes);
        String text = new String(bytes, StandardCharsets.UTF_8);
        Bounded.Outcome<SeccompProgram> outcome = Bounded.run("seccomp profile", Duration.ofSeconds(10),
            (64L << 20) + 64L * bytes.length, () -> {
                ProfileFile.Loaded loaded = ProfileFile.read(file);
                String base = loaded.jsonPath().isEmpty() ? "$" : "$." + loaded.jsonPath();
                return COMPILER.compile(loaded.seccomp(), loaded.source(), base);
            });
        if (ErrorContract.check(outcome, file.toString(), text)) {
            BpfInterpreter interpreter = BpfInterpreter.of(outcome.value().filter());
            int arch = COMPILER.libseccomp().nativeArch();
            for (int nr : new int[] {0, 1, 59, 165, 435, 1000, -1}) {
                assertEquals(SeccompData.SIZE, 64);
                interpreter.evaluate(SeccompData.of(arch, nr, 1, 2, 3));
            }
        }
    }
}
