package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.testing.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The distribution's start-up archives exist and the launcher really maps Bulwark's classes from them: the
 * class-data-sharing archive on JDK 17 (the default), and JDK 25's ahead-of-time cache where the build found such
 * a JDK (when BULWARK_JAVA names it).
 */
class CdsArchiveIT {
    private static final String JDK17 = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";
    private final Path dist = Path.of(System.getProperty("bulwark.dist", "target/bulwark"));

    private String version(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/bulwark").toString(), "--version");
        pb.environment().put("BULWARK_NO_SERVER", "1");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("bulwark version"), out);
        assertTrue(!out.contains("WARNING"), "the launcher's JVM warns: " + out);
        return out;
    }

    private static String loadOf(String out, String className) {
        return out.lines().filter(l -> l.contains(" " + className + " ")).findFirst().orElse("");
    }

    @Test
    void jdk17LoadsBulwarkClassesFromTheArchive() throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(dist.resolve("lib/bulwark.jsa")), "no lib/bulwark.jsa in " + dist);
        // -Xshare:on makes the JVM fail instead of silently running without the archive
        String out = version(Map.of("BULWARK_JAVA", JDK17,
            "BULWARK_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:stdout"));
        String main = loadOf(out, "io.bulwark.cli.Main");
        assertTrue(main.contains("shared objects file (top)"), "Main not from the dynamic archive: " + main);
        String jackson = loadOf(out, "com.fasterxml.jackson.databind.ObjectMapper");
        assertTrue(jackson.isEmpty() || jackson.contains("shared objects file"), jackson);
    }

    @Test
    void theJdkOfTheAotCacheLoadsBulwarkClassesFromIt() throws IOException, InterruptedException {
        Path cache = dist.resolve("lib/bulwark.aot");
        Path owner = dist.resolve("lib/bulwark.aot.java");
        if (!Files.isRegularFile(cache)) {
            // the build makes one only where a JDK 25 or later is installed (CI machines have one)
            assertTrue(!Files.exists(owner), owner + " without " + cache);
            Requirements.require(false, "a JDK 25 or later (the build made no lib/bulwark.aot)");
            return;
        }
        String java = Files.readString(owner).strip();
        assertTrue(Files.isExecutable(Path.of(java)), owner + " names " + java);
        // -XX:AOTMode=on makes the JVM fail instead of silently running without the cache
        String out = version(Map.of("BULWARK_JAVA", java,
            "BULWARK_JAVA_OPTS", "-XX:AOTMode=on -Xlog:class+load=info:stdout"));
        String main = loadOf(out, "io.bulwark.cli.Main");
        assertTrue(main.contains("shared objects file"), "Main not from the AOT cache: " + main);
    }
}
