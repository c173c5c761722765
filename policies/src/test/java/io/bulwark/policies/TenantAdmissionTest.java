package io.bulwark.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.api.CreateOptions;
import io.bulwark.core.spec.Spec;
import io.bulwark.policies.audit.AuditLog;
import io.bulwark.policies.audit.AuditRecord;
import io.bulwark.policies.config.RuntimeConfig;
import io.bulwark.policies.signature.Ed25519Keys;
import io.bulwark.policies.signature.PolicySignatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantAdmissionTest {
    @TempDir
    Path dir;
    Path bundle;
    Path policies;
    Path audit;
    List<String> reported = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        bundle = Files.createDirectories(dir.resolve("bundle"));
        policies = Files.createDirectories(dir.resolve("policies"));
        audit = dir.resolve("log/audit.jsonl");
        Files.writeString(policies.resolve("team.json"), """
            {"name": "team", "extends": "default", "capabilities": {"allowed": ["CAP_KILL"], "enforcement": "tighten"}}
            """);
    }

    private TenantAdmission admission(String tenant, Path key) {
        RuntimeConfig config = new RuntimeConfig(null, policies.toString(), null, key == null ? null : key.toString(),
            audit.toString());
        return new TenantAdmission(config, tenant, TestSpecs.admission(), reported::add);
    }

    private Spec write(ObjectNode config) throws Exception {
        Files.writeString(bundle.resolve("config.json"), config.toPrettyString());
        return TestSpecs.spec(config);
    }

    private List<JsonNode> auditLines() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(audit)) {
            out.add(TestSpecs.JSON.readTree(line));
        }
        return out;
    }

    @Test
    void eachDecisionIsAuditedWithTheBundlesDigest() throws Exception {
        Spec ok = write(TestSpecs.config());
        Spec admitted = admission("team", null).apply(ok, CreateOptions.of("c1", bundle));
        assertEquals(List.of("CAP_KILL"), admitted.process().capabilities().bounding());
        assertTrue(reported.stream().anyMatch(l -> l.startsWith("tenant team: $.process.capabilities.bounding")), reported::toString);

        ObjectNode bad = TestSpecs.config();
        TestSpecs.object(bad, "linux", "resources", "memory").put("limit", 64L << 30);
        Spec refused = write(bad);
        BulwarkException e = assertThrows(BulwarkException.class,
            () -> admission("team", null).apply(refused, CreateOptions.of("c2", bundle)));
        assertTrue(e.getMessage().startsWith("container 'c2' refused by tenant 'team' policy (1 violation): "
            + "$.linux.resources.memory.limit: 68719476736 bytes (64GiB) above the ceiling"), e.getMessage());

        List<JsonNode> lines = auditLines();
        assertEquals(2, lines.size());
        JsonNode first = lines.get(0);
        assertEquals("team", first.get("tenant").asText());
        assertEquals("c1", first.get("containerId").asText());
        assertEquals("tightened", first.get("decision").asText());
        assertEquals(bundle.toString(), first.get("bundle").asText());
        assertTrue(first.get("time").asText().endsWith("Z"));
        assertTrue(first.get("changes").size() > 0);
        JsonNode second = lines.get(1);
        assertEquals("refused", second.get("decision").asText());
        assertEquals("$.linux.resources.memory.limit", second.get("violations").get(0).get("path").asText());
        assertEquals("resources.memory.max", second.get("violations").get(0).get("rule").asText());
        assertTrue(second.get("bundleDigest").asText().matches("sha256:[0-9a-f]{64}"));
        assertTrue(!first.get("bundleDigest").equals(second.get("bundleDigest")), "the two configs differ");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(audit)));
    }

    @Test
    void withATrustedKeyAnUnsignedOrTamperedPolicyIsRefusedAndAudited() throws Exception {
        Ed25519PrivateKeyParameters key = Ed25519Keys.generate();
        Path pub = dir.resolve("trusted.pub");
        Files.writeString(pub, Ed25519Keys.publicPem(key.generatePublicKey()));
        Spec spec = write(TestSpecs.config());

        BulwarkException unsigned = assertThrows(BulwarkException.class,
            () -> admission("team", pub).apply(spec, CreateOptions.of("c1", bundle)));
        assertTrue(unsigned.getMessage().contains("the policy is not signed"), unsigned.getMessage());

        Path file = policies.resolve("team.json");
        Files.writeString(PolicySignatures.signatureFile(file),
            PolicySignatures.encode(PolicySignatures.sign(key, Files.readAllBytes(file))));
        admission("team", pub).apply(spec, CreateOptions.of("c2", bundle));

        Files.writeString(file, Files.readString(file).replace("CAP_KILL", "CAP_SYS_ADMIN"));
        BulwarkException tampered = assertThrows(BulwarkException.class,
            () -> admission("team", pub).apply(spec, CreateOptions.of("c3", bundle)));
        assertTrue(tampered.getMessage().contains("does not verify with the trusted key"), tampered.getMessage());

        List<JsonNode> lines = auditLines();
        assertEquals(List.of("refused", "tightened", "refused"), lines.stream().map(l -> l.get("decision").asText()).toList());
        assertTrue(lines.get(2).get("error").asText().contains("does not verify"));
    }

    @Test
    void concurrentWritersNeverInterleaveLines() throws Exception {
        AuditLog log = new AuditLog(audit);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    log.append(new AuditRecord("now", "t", null, "c-" + thread + "-" + i, "/b", null, "admitted",
                        "linux", List.of(), List.of(), "x".repeat(2000)));
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        List<JsonNode> lines = auditLines();
        assertEquals(200, lines.size());
        assertEquals(200, lines.stream().map(l -> l.get("containerId").asText()).distinct().count());
    }

    @Test
    void noTenantMeansNoAdmission() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"policyDirectory\": \"policies\"}");
        assertTrue(TenantAdmission.forCommandLine(null, config, l -> { }).isEmpty());
        Files.writeString(config, "{\"policyDirectory\": \"policies\", \"defaultTenant\": \"team\"}");
        assertEquals("team", TenantAdmission.forCommandLine(null, config, l -> { }).orElseThrow().tenant());
        assertEquals("default", TenantAdmission.forCommandLine("default", config, l -> { }).orElseThrow().tenant());
        assertNull(AuditLog.bundleDigest(dir.resolve("nowhere")));
    }
}
