package io.bulwark.policies.inherit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.policies.model.NetworkMode;
import io.bulwark.policies.model.SeccompProfileKind;
import io.bulwark.policies.parse.PolicyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyResolverTest {
    @TempDir
    Path dir;

    private void write(String name, String json) throws Exception {
        Files.writeString(dir.resolve(name + ".json"), json);
    }

    private EffectivePolicy resolve(String tenant) {
        return new PolicyResolver(dir, FileVerifier.NONE).resolve(tenant);
    }

    private PolicyException widening(String childJson) throws Exception {
        write("child", childJson);
        return assertThrows(PolicyException.class, () -> resolve("child"));
    }

    @Test
    void aChildNarrowsTheBuiltInDefault() throws Exception {
        write("team", """
            {"name": "team", "extends": "default",
             "capabilities": {"allowed": ["CAP_KILL"]},
             "resources": {"memory": {"max": "256MiB"}},
             "seccomp": {"profile": "strict"}}
            """);
        EffectivePolicy e = resolve("team");
        assertEquals(List.of("built-in:default", dir.resolve("team.json").toString()), e.chain());
        assertEquals(List.of("CAP_KILL"), e.policy().capabilities().allowed());
        assertEquals(256L << 20, e.policy().resources().memory().max().bytes());
        assertEquals(256L << 20, e.policy().resources().memory().defaultLimit().bytes(), "the inherited default is lowered");
        assertEquals(SeccompProfileKind.STRICT, e.policy().seccomp().profile());
        assertEquals(NetworkMode.NONE, e.policy().network().mode());
        assertEquals("team", e.policy().name());
        assertTrue(e.policy().mounts().forbidden().contains("/var/run/docker.sock"));
    }

    @Test
    void aChildsForbiddenPathsAreAddedToItsBases() throws Exception {
        write("team", "{\"name\": \"team\", \"extends\": \"default\", \"mounts\": {\"forbidden\": [\"/srv/secret\"]}}");
        List<String> forbidden = resolve("team").policy().mounts().forbidden();
        assertTrue(forbidden.contains("/srv/secret") && forbidden.contains("/proc"));
    }

    @Test
    void everyWideningIsAnErrorNamingTheChildsFieldAndTheBase() throws Exception {
        PolicyException e = widening("""
            {"name": "child", "extends": "default",
             "backend": {"allowed": ["linux"]},
             "identity": {"userNamespace": false, "uidRange": {"hostID": 0, "size": 10}},
             "capabilities": {"allowed": ["CAP_KILL", "CAP_SYS_ADMIN"]},
             "noNewPrivileges": false,
             "seccomp": {"profile": "file", "file": "/etc/x.json", "bundleMayReplace": true},
             "mounts": {"types": ["bind", "ext4"], "hostPaths": [{"path": "/srv/bulwark/shared/x", "readOnly": false}, {"path": "/home"}]},
             "devices": {"allowed": [{"type": "b", "major": 8, "minor": 0}]},
             "namespaces": {"hostShared": ["pid"], "joinable": ["ipc"]},
             "network": {"mode": "private"},
             "resources": {"memory": {"max": "64GiB"}, "cpu": {"max": 8}, "pids": {"max": 100000}},
             "hooks": {"allowed": true, "paths": ["/bin/hook"]},
             "apparmor": {"profile": "unconfined", "mayBeAbsent": true}}
            """);
        List<String> paths = e.problems().stream().map(p -> p.path()).toList();
        for (String expected : List.of("$.identity.userNamespace", "$.identity.uidRange", "$.capabilities.allowed[1]",
            "$.noNewPrivileges", "$.seccomp.bundleMayReplace", "$.seccomp.profile", "$.mounts.types[1]",
            "$.mounts.hostPaths[0]", "$.mounts.hostPaths[1]", "$.devices.allowed[0]", "$.namespaces.hostShared[0]",
            "$.namespaces.joinable[0]", "$.network.mode", "$.resources.memory.max", "$.resources.cpu.max",
            "$.resources.pids.max", "$.hooks.allowed", "$.hooks.paths[0]", "$.apparmor.profile")) {
            assertTrue(paths.contains(expected), () -> expected + " missing from " + e.problems());
        }
        assertTrue(e.problems().stream().allMatch(p -> p.file().endsWith("child.json") && p.problem().contains("widens base policy 'default'")),
            e.problems()::toString);
        assertTrue(e.getMessage().contains("CAP_SYS_ADMIN"));
    }

    @Test
    void aRootPolicysForbiddenListReplacesTheBaselinesAndAChildsIsAdded() throws Exception {
        write("lab", "{\"name\": \"lab\", \"mounts\": {\"forbidden\": [\"/srv/secret\"]}}");
        assertEquals(List.of("/srv/secret"), resolve("lab").policy().mounts().forbidden());
        write("lab-child", "{\"name\": \"lab-child\", \"extends\": \"lab\", \"mounts\": {\"forbidden\": [\"/x\"]}}");
        assertEquals(List.of("/srv/secret", "/x"), resolve("lab-child").policy().mounts().forbidden());
        write("plain", "{\"name\": \"plain\"}");
        assertEquals(Baseline.FORBIDDEN_HOST_PATHS, resolve("plain").policy().mounts().forbidden());
    }

    @Test
    void aWallClockLimitCannotBeLifted() throws Exception {
        write("short", "{\"name\": \"short\", \"extends\": \"default\", \"wallClockLimitSeconds\": 60}");
        PolicyException e = widening("{\"name\": \"child\", \"extends\": \"short\", \"wallClockLimitSeconds\": 600}");
        assertTrue(e.getMessage().contains("$.wallClockLimitSeconds: 600 (base ceiling 60) widens"), e.getMessage());
    }

    @Test
    void cyclesMissingBasesAndMisnamedFilesAreClearErrors() throws Exception {
        write("a", "{\"name\": \"a\", \"extends\": \"b\"}");
        write("b", "{\"name\": \"b\", \"extends\": \"a\"}");
        assertTrue(assertThrows(PolicyException.class, () -> resolve("a")).getMessage().contains("inheritance cycle"));
        write("c", "{\"name\": \"c\", \"extends\": \"nowhere\"}");
        assertTrue(assertThrows(BulwarkException.class, () -> resolve("c")).getMessage().contains("no policy for tenant 'nowhere'"));
        write("d", "{\"name\": \"e\"}");
        assertTrue(assertThrows(PolicyException.class, () -> resolve("d")).getMessage().contains("$.name: 'e' does not match"));
    }

    @Test
    void tenantNamesCannotEscapeThePolicyDirectory() {
        for (String bad : new String[] {"../etc/passwd", "a/b", "", "UPPER", ".hidden"}) {
            assertThrows(BulwarkException.class, () -> resolve(bad), bad);
        }
    }

    @Test
    void aRootPolicyMayWidenTheBaselineButStaysConsistent() throws Exception {
        write("wide", "{\"name\": \"wide\", \"network\": {\"mode\": \"host\"}, \"backend\": {\"allowed\": [\"vm\"], \"default\": \"linux\"}}");
        PolicyException e = assertThrows(PolicyException.class, () -> resolve("wide"));
        assertTrue(e.getMessage().contains("$.backend.default: 'linux' is not among the allowed backends"), e.getMessage());
        write("wide", "{\"name\": \"wide\", \"network\": {\"mode\": \"host\"}, \"backend\": {\"allowed\": [\"vm\"]}}");
        EffectivePolicy ok = resolve("wide");
        assertEquals("vm", ok.policy().backend().defaultBackend());
        assertEquals(NetworkMode.HOST, ok.policy().network().mode());
    }
}
