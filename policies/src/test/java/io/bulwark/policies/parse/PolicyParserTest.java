package io.bulwark.policies.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.spec.SpecProblem;
import io.bulwark.policies.inherit.PolicyResolver;
import io.bulwark.policies.model.ByteSize;
import io.bulwark.policies.model.Policy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyParserTest {

    private static PolicyException fails(String json) {
        return assertThrows(PolicyException.class, () -> PolicyParser.parse(json.getBytes(StandardCharsets.UTF_8), "t.json"));
    }

    private static void failsAt(String json, String path, String problemPart) {
        PolicyException e = fails(json);
        assertTrue(e.problems().stream().anyMatch(p -> p.file().equals("t.json") && p.path().equals(path)
            && p.problem().contains(problemPart)), () -> e.problems().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "ci-runner", "code-exec", "trusted-internal"})
    void theShippedPoliciesParse(String name) {
        Policy p = PolicyResolver.builtIn(name);
        assertEquals(name, p.name());
    }

    @Test
    void sizesAreReadAsPeopleWriteThem() {
        Policy p = PolicyParser.parse(("{\"name\": \"x\", \"resources\": {\"memory\": {\"max\": \"2GiB\", \"default\": 134217728}}}")
            .getBytes(StandardCharsets.UTF_8), "t.json");
        assertEquals(2L << 30, p.resources().memory().max().bytes());
        assertEquals(128L << 20, p.resources().memory().defaultLimit().bytes());
        assertEquals(64L << 20, ByteSize.parse("64M").bytes());
        assertEquals(64L << 20, ByteSize.parse("64mib").bytes());
        assertEquals(1536L << 20, ByteSize.parse("1536MiB").bytes());
        assertEquals("1536MiB", new ByteSize(1536L << 20).toString());
        assertEquals("1000", new ByteSize(1000).toString());
    }

    @Test
    void unknownFieldsAreErrorsThatNameTheField() {
        failsAt("{\"name\": \"x\", \"capabilities\": {\"allow\": []}}", "$.capabilities.allow", "unknown field 'allow'");
    }

    @Test
    void wrongTypesAreErrorsWithTheirPath() {
        failsAt("{\"name\": \"x\", \"noNewPrivileges\": \"yes\"}", "$.noNewPrivileges", "true or false");
        failsAt("{\"name\": \"x\", \"resources\": {\"pids\": {\"max\": \"100\"}}}", "$.resources.pids.max", "integer");
        failsAt("{\"name\": \"x\", \"resources\": {\"pids\": {\"max\": 1.5}}}", "$.resources.pids.max", "");
        failsAt("{\"name\": 7}", "$.name", "string");
        failsAt("{\"name\": \"x\", \"capabilities\": {\"allowed\": \"CAP_KILL\"}}", "$.capabilities.allowed", "array");
        failsAt("{\"name\": \"x\", \"network\": {\"mode\": \"bridge\"}}", "$.network.mode", "bridge");
        failsAt("{\"name\": \"x\", \"resources\": {\"memory\": {\"max\": \"lots\"}}}", "$.resources.memory.max", "not a size");
        failsAt("{\"name\": \"x\", \"resources\": {\"memory\": {\"max\": -1}}}", "$.resources.memory.max", "negative");
    }

    @Test
    void brokenJsonDuplicateKeysAndTrailingContentAreRefused() {
        failsAt("{\"name\": \"x\",", "$.name", "not valid JSON");
        failsAt("{\"name\": \"x\", \"name\": \"y\"}", "$.name", "Duplicate field 'name'");
        failsAt("{\"name\": \"x\"} {}", "$", "");
        failsAt("null", "$", "null");
        failsAt("[]", "$", "");
    }

    @Test
    void deepNestingIsRefusedWithoutBlowingTheStack() {
        String deep = "{\"name\":\"x\",\"description\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        fails(deep);
    }

    @Test
    void everySemanticProblemIsReportedAtOnce() {
        PolicyException e = fails("""
            {"name": "Bad Name", "extends": "Bad Name",
             "backend": {"allowed": ["linux", "kvm"], "default": "docker"},
             "capabilities": {"allowed": ["CAP_KILL", "CAP_FLY", "CAP_KILL"]},
             "mounts": {"hostPaths": [{"path": "relative"}], "forbidden": ["/a/../b"]},
             "devices": {"allowed": [{"type": "x", "access": "q"}]},
             "namespaces": {"hostShared": ["network"], "joinable": ["user"]},
             "resources": {"memory": {"max": "1GiB", "default": "2GiB"}, "cpu": {"max": 0},
                           "pids": {"max": 0}, "blockIO": [{"major": 8}]},
             "wallClockLimitSeconds": 0,
             "hooks": {"paths": ["hook"]},
             "apparmor": {"profile": "has space"},
             "seccomp": {"profile": "default", "file": "/x.json"}}
            """);
        List<String> paths = e.problems().stream().map(SpecProblem::path).toList();
        for (String expected : List.of("$.name", "$.extends", "$.backend.allowed[1]", "$.backend.default",
            "$.capabilities.allowed[1]", "$.capabilities.allowed[2]", "$.mounts.hostPaths[0].path", "$.mounts.forbidden[0]",
            "$.devices.allowed[0].type", "$.devices.allowed[0].access", "$.namespaces.hostShared[0]",
            "$.namespaces.joinable[0]", "$.resources.memory.default", "$.resources.cpu.max", "$.resources.pids.max",
            "$.resources.blockIO[0]", "$.wallClockLimitSeconds", "$.hooks.paths[0]", "$.apparmor.profile",
            "$.seccomp.file")) {
            assertTrue(paths.contains(expected), () -> expected + " missing from " + e.problems());
        }
        assertTrue(e.getMessage().startsWith("t.json: $.name: "), e.getMessage());
    }

    @Test
    void aFragmentHasNoNameAndCannotSetOne() {
        assertEquals(null, PolicyParser.parseFragment("{\"network\": {\"mode\": \"none\"}}", "a").name());
        assertThrows(PolicyException.class, () -> PolicyParser.parseFragment("{\"name\": \"x\"}", "a"));
    }
}
