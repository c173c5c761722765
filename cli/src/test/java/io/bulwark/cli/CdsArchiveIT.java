package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The distribution's class-data-sharing archive exists and the launcher really maps Bulwark's classes from it. */
class CdsArchiveIT {
    private final Path dist = Path.of(System.getProperty("bulwark.dist", "target/bulwark"));

    @Test
    void launcherLoadsBulwarkClassesFromTheArchive() throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(dist.resolve("lib/bulwark.jsa")), "no lib/bulwark.jsa in " + dist);
        ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/bulwark").toString(), "--version");
        pb.environment().put("BULWARK_NO_SERVER", "1");
        // -Xshare:on makes the JVM fail instead of silently running without the archive
        pb.environment().put("BULWARK_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:stdout");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("bulwark version"), out);
        String mainLine = out.lines().filter(l -> l.contains(" io.bulwark.cli.Main ")).findFirst().orElse("");
        assertTrue(mainLine.contains("shared objects file (top)"), "Main not from the dynamic archive: " + mainLine);
        String jackson = out.lines().filter(l -> l.contains(" com.fasterxml.jackson.databind.ObjectMapper "))
            .findFirst().orElse("");
        assertTrue(jackson.isEmpty() || jackson.contains("shared objects file"), jackson);
    }
}
