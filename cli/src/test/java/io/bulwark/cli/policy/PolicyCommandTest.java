package io.bulwark.cli.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path config;
    Path policies;
    Path bundle;

    record Result(int code, String out, String err) {
    }

    private Result run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("--root", tmp.resolve("state").toString(), "--config", config.toString()));
        args.addAll(List.of(argv));
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void setUp() throws Exception {
        policies = Files.createDirectories(tmp.resolve("policies"));
        config = tmp.resolve("config.json");
        Files.writeString(config, "{\"policyDirectory\": \"policies\", \"auditLog\": \"audit.jsonl\"}");
        bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"), """
            {"ociVersion": "1.2.0",
             "process": {"user": {"uid": 0, "gid": 0}, "args": ["sh"], "cwd": "/",
                         "capabilities": {"bounding": ["CAP_KILL", "CAP_SYS_ADMIN"], "effective": ["CAP_KILL"]},
                         "noNewPrivileges": true},
             "root": {"path": "rootfs"},
             "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
                        {"destination": "/host", "type": "bind", "source": "/", "options": ["rbind"]}],
             "linux": {"namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"},
                                      {"type": "user"}, {"type": "cgroup"}],
                       "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
                       "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
                       "resources": {"memory": {"limit": 68719476736}}}}
            """);
    }

    @Test
    void checkListsEveryViolationAndExitsOneWhenRefused() {
        Result r = run("--tenant", "default", "policy", "check", bundle.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.out().startsWith("tenant default: refused (backend linux, 4 violations"), r.out());
        for (String expected : List.of("$.process.capabilities.bounding[1]: CAP_SYS_ADMIN (policy rule capabilities.allowed)",
            "$.mounts[1].source: host bind of / (contains forbidden /proc) (policy rule mounts.forbidden)",
            "$.linux.namespaces: the host's network namespace",
            "$.linux.resources.memory.limit: 68719476736 bytes (64GiB) above the ceiling")) {
            assertTrue(r.out().contains(expected), () -> expected + " missing from\n" + r.out());
        }
        assertTrue(!Files.exists(tmp.resolve("audit.jsonl")), "a dry run is not audited");
    }

    @Test
    void checkAsJsonShowsTheTightenedConfig() throws Exception {
        Files.writeString(policies.resolve("lenient.json"), """
            {"name": "lenient", "extends": "default",
             "capabilities": {"enforcement": "tighten"}, "resources": {"enforcement": "tighten"},
             "namespaces": {"enforcement": "tighten"}}
            """);
        com.fasterxml.jackson.databind.node.ObjectNode c =
            (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
        ((com.fasterxml.jackson.databind.node.ArrayNode) c.get("mounts")).remove(1);
        Files.writeString(bundle.resolve("config.json"), c.toString());
        Result r = run("policy", "check", "--tenant", "lenient", "--format", "json", bundle.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode out = JSON.readTree(r.out());
        assertEquals("tightened", out.get("decision").asText());
        assertEquals(2L << 30, out.get("config").get("linux").get("resources").get("memory").get("limit").asLong());
        assertEquals("[\"CAP_KILL\"]", out.get("config").get("process").get("capabilities").get("bounding").toString());
    }

    @Test
    void lintReportsEveryProblemWithItsPath() throws Exception {
        Path bad = policies.resolve("bad.json");
        Files.writeString(bad, "{\"name\": \"bad\", \"extends\": \"default\", \"capabilities\": {\"allowed\": [\"CAP_SYS_ADMIN\"]},"
            + " \"network\": {\"mode\": \"host\"}}");
        Path typo = policies.resolve("typo.json");
        Files.writeString(typo, "{\"name\": \"typo\", \"netwrok\": {}}");
        Path good = policies.resolve("good.json");
        Files.writeString(good, "{\"name\": \"good\", \"extends\": \"default\", \"network\": {\"mode\": \"none\"}}");
        Result r = run("policy", "lint", bad.toString(), typo.toString(), good.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains(bad + ": $.capabilities.allowed[0]: capability CAP_SYS_ADMIN"), r.out());
        assertTrue(r.out().contains(bad + ": $.network.mode: network host (base: none) widens base policy 'default'"), r.out());
        assertTrue(r.out().contains(typo + ": $.netwrok: unknown field 'netwrok'"), r.out());
        assertTrue(r.out().contains(good + ": ok"), r.out());
    }

    @Test
    void showPrintsTheEffectivePolicy() throws Exception {
        Files.writeString(policies.resolve("team.json"), "{\"name\": \"team\", \"extends\": \"default\", \"wallClockLimitSeconds\": 60}");
        Result r = run("--tenant", "team", "policy", "show");
        assertEquals(0, r.code(), r.err());
        JsonNode p = JSON.readTree(r.out());
        assertEquals("team", p.get("name").asText());
        assertEquals(60, p.get("wallClockLimitSeconds").asInt());
        assertEquals("2GiB", p.get("resources").get("memory").get("max").asText());
        assertTrue(r.err().contains("built-in:default <- " + policies.resolve("team.json")), r.err());
    }

    @Test
    void keygenSignVerifyAndTamperingRoundTrip() throws Exception {
        Path prefix = tmp.resolve("signing");
        assertEquals(0, run("policy", "keygen", prefix.toString()).code());
        Result again = run("policy", "keygen", prefix.toString());
        assertEquals(1, again.code(), "no silent overwrite");
        assertTrue(again.err().contains("already exists (use --force to replace it)"), again.err());
        Path policy = policies.resolve("team.json");
        Files.writeString(policy, "{\"name\": \"team\", \"extends\": \"default\"}");
        Result signed = run("policy", "sign", "--key", prefix + ".key", policy.toString());
        assertEquals(0, signed.code(), signed.err());
        Result ok = run("policy", "verify", "--key", prefix + ".pub", policy.toString());
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains(policy + ": signature OK"));
        Files.writeString(policy, "{\"name\": \"team\", \"extends\": \"default\", \"network\": {\"mode\": \"none\"}}");
        Result tampered = run("policy", "verify", "--key", prefix + ".pub", policy.toString());
        assertEquals(1, tampered.code());
        assertTrue(tampered.out().contains("does not verify with the trusted key"), tampered.out());
        // with the key configured, check refuses to use the tampered policy
        Files.writeString(config, "{\"policyDirectory\": \"policies\", \"trustedPublicKey\": \"signing.pub\"}");
        Result check = run("--tenant", "team", "policy", "check", bundle.toString());
        assertEquals(1, check.code());
        assertTrue(check.err().contains("team.json: refused: its signature team.json.sig does not verify"), check.err());
    }

    @Test
    void withoutATenantCheckSaysHowToNameOne() {
        Result r = run("policy", "check", bundle.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no tenant: give --tenant NAME"), r.err());
        Result unknown = run("policy", "frob");
        assertTrue(unknown.err().contains("unknown subcommand 'frob'"), unknown.err());
    }
}
