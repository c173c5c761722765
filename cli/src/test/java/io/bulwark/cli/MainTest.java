package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.core.BulwarkException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @Test
    void theDefaultRootFollowsRuncsRuleOnTheEffectiveUid() {
        var user = new io.bulwark.core.rootless.Caller(1000, 1000);
        var root = new io.bulwark.core.rootless.Caller(0, 0);
        assertEquals("/run/user/1000/bulwark", Main.defaultRoot(user, "/run/user/1000"));
        assertEquals("/run/bulwark", Main.defaultRoot(root, "/run/user/0"));
        assertEquals("/run/bulwark", Main.defaultRoot(user, null));
        assertEquals("/run/bulwark", Main.defaultRoot(user, ""));
    }

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    private Result run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryVerb() {
        Result r = run("--help");
        assertEquals(0, r.code());
        for (String verb : List.of("create", "start", "run", "state", "kill", "delete", "list", "ps", "exec")) {
            assertTrue(r.out().contains("  " + verb + " "), verb + " missing from help");
        }
    }

    @Test
    void unknownVerbAndUnknownFlagFailWithOneLine() {
        Result r = run("--root", tmp.toString(), "frobnicate");
        assertEquals(1, r.code());
        assertEquals(1, r.err().lines().count());
        assertTrue(r.err().contains("unknown command 'frobnicate'"));
        Result f = run("--root", tmp.toString(), "delete", "--frob", "x");
        assertTrue(f.code() != 0);
        assertTrue(f.err().contains("flag provided but not defined: -frob"), f.err());
    }

    @Test
    void errorsGoToTheJsonLogAsContainerdReadsIt() throws Exception {
        Path log = tmp.resolve("log.json");
        Result r = run("--root", tmp.toString(), "--log", log.toString(), "--log-format", "json", "state", "nope");
        assertEquals(1, r.code());
        JsonNode line = new ObjectMapper().readTree(Files.readAllLines(log).get(0));
        assertEquals("error", line.get("level").asText());
        assertEquals("container nope does not exist", line.get("msg").asText());
        assertTrue(line.has("time"));
    }

    @Test
    void listOfAnEmptyRootIsJustTheHeaderOrEmptyJson() {
        Result table = run("--root", tmp.toString(), "list");
        assertEquals(0, table.code());
        assertTrue(table.out().startsWith("ID"));
        Result json = run("--root", tmp.toString(), "list", "--format", "json");
        assertEquals("[]", json.out().trim());
    }

    @Test
    void deleteForceOfAMissingContainerSucceedsLikeRunc() {
        assertEquals(0, run("--root", tmp.toString(), "delete", "--force", "ghost").code());
        assertTrue(run("--root", tmp.toString(), "delete", "ghost").code() != 0);
    }

    @Test
    void flagsFollowRuncConventions() {
        Flags f = new Flags("exec").value("env", "e").bool("tty", "t").parse(
            List.of("-e", "A=1", "--env=B=2", "-t", "ctr", "sh", "-c", "echo hi"));
        assertEquals(List.of("A=1", "B=2"), f.all("env"));
        assertTrue(f.has("tty"));
        assertEquals("ctr", f.id());
        assertEquals(List.of("ctr", "sh", "-c", "echo hi"), f.positional());
        assertThrows(BulwarkException.class, () -> new Flags("x").value("bundle").parse(List.of("--bundle")));
    }

    @Test
    void specWritesAValidSecureDefaultWithSeccompAndRefusesToOverwrite() {
        Result r = run("spec", "--bundle", tmp.toString());
        assertEquals(0, r.code(), r.err());
        var spec = io.bulwark.core.spec.SpecParser.load(tmp.resolve("config.json"));
        assertTrue(spec.linux().namespaces().stream().anyMatch(n -> n.type().equals("user")));
        assertEquals(List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"),
            spec.process().capabilities().effective());
        assertEquals(Boolean.TRUE, spec.process().noNewPrivileges());
        assertEquals(Boolean.TRUE, spec.root().readonly());
        assertEquals("SCMP_ACT_ERRNO", spec.linux().seccomp().defaultAction());
        Result again = run("spec", "--bundle", tmp.toString());
        assertEquals(1, again.code());
        assertTrue(again.err().contains("exists"), again.err());
    }

    @Test
    void featuresIsJsonNamingTheSupportedNamespaces() throws Exception {
        Result r = run("features");
        assertEquals(0, r.code(), r.err());
        JsonNode features = new ObjectMapper().readTree(r.out());
        assertEquals("1.2.0", features.get("ociVersionMax").asText());
        assertTrue(features.at("/linux/namespaces").toString().contains("user"));
        assertTrue(features.at("/linux/seccomp/enabled").asBoolean());
    }
}
