package io.bulwark.policies.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeConfigTest {
    @TempDir
    Path dir;

    @Test
    void relativePathsAreRelativeToTheFile() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, """
            {"policyDirectory": "policies", "defaultTenant": "ci-runner",
             "trustedPublicKey": "keys/policy.pub", "auditLog": "/var/log/bulwark/audit.jsonl"}
            """);
        RuntimeConfig c = RuntimeConfigLoader.load(file);
        assertEquals(dir.resolve("policies"), c.policyDirectoryPath());
        assertEquals("ci-runner", c.defaultTenant());
        assertEquals(dir.resolve("keys/policy.pub"), c.trustedPublicKeyPath());
        assertEquals(Path.of("/var/log/bulwark/audit.jsonl"), c.auditLogPath());
    }

    @Test
    void anEmptyFileMeansTheDefaults() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{}");
        RuntimeConfig c = RuntimeConfigLoader.load(file);
        assertEquals(RuntimeConfig.DEFAULT_POLICY_DIRECTORY, c.policyDirectoryPath());
        assertNull(c.defaultTenant());
        assertNull(c.trustedPublicKeyPath());
        assertNull(c.auditLogPath());
    }

    @Test
    void mistakesAreErrorsWithPaths() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"policyDir\": \"/x\"}");
        assertTrue(assertThrows(BulwarkException.class, () -> RuntimeConfigLoader.load(file)).getMessage()
            .startsWith(file + ": $.policyDir: "));
        Files.writeString(file, "{\"defaultTenant\": \"../../etc\"}");
        assertTrue(assertThrows(BulwarkException.class, () -> RuntimeConfigLoader.load(file)).getMessage()
            .contains("$.defaultTenant: invalid tenant name"));
        Files.writeString(file, "{\"auditLog\": 5}");
        assertTrue(assertThrows(BulwarkException.class, () -> RuntimeConfigLoader.load(file)).getMessage()
            .contains("$.auditLog"));
        assertTrue(assertThrows(BulwarkException.class, () -> RuntimeConfigLoader.load(dir.resolve("missing.json")))
            .getMessage().contains("no such runtime configuration file"));
    }
}
