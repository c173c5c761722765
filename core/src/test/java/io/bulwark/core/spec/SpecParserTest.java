package io.bulwark.core.spec;

import static io.bulwark.core.spec.SpecFixtures.MINIMAL;
import static io.bulwark.core.spec.SpecFixtures.assertProblem;
import static io.bulwark.core.spec.SpecFixtures.fullConfig;
import static io.bulwark.core.spec.SpecFixtures.paths;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecParserTest {

    @Test
    void parsesTheSpecsFullExample() {
        Spec spec = SpecFixtures.load(fullConfig());
        assertEquals("1.2.0", spec.ociVersion());
        assertEquals(List.of("sh"), spec.process().args());
        assertEquals(1L, spec.process().user().uid());
        assertEquals(63, spec.process().user().umask());
        assertEquals("IOPRIO_CLASS_IDLE", spec.process().ioPriority().klass());
        assertEquals("0-3,7", spec.process().execCPUAffinity().finalAffinity());
        assertEquals(7, spec.mounts().size());
        assertEquals(8, spec.linux().namespaces().size());
        assertEquals(32000L, spec.linux().uidMappings().get(0).size());
        assertEquals("slave", spec.linux().rootfsPropagation());
        assertEquals("value1", spec.annotations().get("com.example.key1"));
        assertEquals(2, spec.hooks().prestart().size());
    }

    @Test
    void keepsUint64ValuesBitForBit() {
        Spec spec = SpecFixtures.load(fullConfig());
        Rlimit nofile = spec.process().rlimits().get(1);
        assertEquals(-1L, nofile.hard(), "RLIM_INFINITY is all ones");
        assertEquals(1024L, nofile.soft());
        assertEquals(-1L, spec.linux().seccomp().syscalls().get(1).args().get(0).value());
        assertTrue(SpecWriter.toJson(spec).contains("18446744073709551615"));
    }

    @Test
    void refusesUint64OutOfRange() {
        assertProblem(MINIMAL.replace("\"args\"", "\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", "
            + "\"soft\": 18446744073709551616, \"hard\": 1}], \"args\""), "$.process.rlimits[0].soft", "out of range");
        assertProblem(MINIMAL.replace("\"args\"", "\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", "
            + "\"soft\": -1, \"hard\": 1}], \"args\""), "$.process.rlimits[0].soft", "out of range");
    }

    @Test
    void malformedJsonNamesWhereItBroke() {
        SpecException e = assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": }}", "$.root.path",
            "malformed JSON");
        assertTrue(e.getMessage().contains("line 1"), e::getMessage);
        assertProblem("{\"ociVersion\": \"1.2.0\"", "$.ociVersion", "malformed JSON: Unexpected end-of-input");
        assertProblem("{\"ociVersion\": '1.2.0'}", "$.ociVersion", "malformed JSON");
    }

    @Test
    void emptyNullOrNonObjectInputIsRefused() {
        assertProblem("", "$", "empty");
        assertProblem("   ", "$", "empty");
        assertProblem("null", "$", "must be a JSON object");
        assertProblem("[]", "$", "expected an object, found an array");
        assertProblem("\"x\"", "$", "expected an object, found a string");
        assertProblem(MINIMAL + " {}", "$", "content after the configuration");
    }

    @Test
    void duplicateKeysAreAnError() {
        assertProblem("{\"ociVersion\": \"1.2.0\", \"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}}",
            "$.ociVersion", "duplicate key");
        assertProblem(MINIMAL.replace("\"cwd\": \"/\"", "\"cwd\": \"/\", \"cwd\": \"/tmp\""), "$.process.cwd",
            "duplicate key");
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"annotations\": {\"a\": \"1\", "
            + "\"a\": \"2\"}}", "$.annotations.a", "duplicate key");
    }

    @Test
    void wrongJsonTypesNameThePathAndBothTypes() {
        assertProblem("{\"ociVersion\": 1, \"root\": {\"path\": \"r\"}}", "$.ociVersion",
            "expected a string, found an integer");
        assertProblem(MINIMAL.replace("\"args\": [\"sh\"]", "\"args\": \"sh\""), "$.process.args",
            "expected an array, found a string");
        assertProblem(MINIMAL.replace("\"args\": [\"sh\"]", "\"args\": [\"sh\", 3]"), "$.process.args[1]",
            "expected a string, found an integer");
        assertProblem(MINIMAL.replace("\"cwd\"", "\"terminal\": \"true\", \"cwd\""), "$.process.terminal",
            "expected a boolean, found a string");
        assertProblem(MINIMAL.replace("\"cwd\"", "\"terminal\": 1, \"cwd\""), "$.process.terminal",
            "expected a boolean");
        assertProblem(MINIMAL.replace("\"cwd\"", "\"user\": {\"uid\": \"0\", \"gid\": 0}, \"cwd\""),
            "$.process.user.uid", "expected an integer, found a string");
        assertProblem(MINIMAL.replace("\"cwd\"", "\"user\": {\"uid\": 1.5, \"gid\": 0}, \"cwd\""),
            "$.process.user.uid", "fractional");
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"linux\": {\"uidMappings\": "
            + "[{\"containerID\": 0, \"hostID\": 0, \"size\": \"many\"}]}}", "$.linux.uidMappings[0].size",
            "expected an integer, found a string");
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": \"rootfs\"}", "$.root", "expected an object");
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"annotations\": {\"a\": 1}}",
            "$.annotations.a", "expected a string");
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"annotations\": {\"a.b\": 1}}",
            "$.annotations['a.b']", "expected a string");
        String longKey = "k".repeat(150) + "x".repeat(100) + "end";
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"annotations\": {\"" + longKey
            + "\": 1}}", "$.annotations['" + "k".repeat(100) + "...(103 more)..." + "x".repeat(47) + "end']",
            "expected a string");
    }

    @Test
    void numbersOutOfRangeAreRefused() {
        assertProblem(MINIMAL.replace("\"cwd\"", "\"oomScoreAdj\": 99999999999, \"cwd\""), "$.process.oomScoreAdj",
            "out of range");
        assertProblem(MINIMAL.replace("\"cwd\"", "\"user\": {\"uid\": 99999999999999999999999, \"gid\": 0}, \"cwd\""),
            "$.process.user.uid", "out of range");
    }

    @Test
    void nullInsideArraysAndMapsIsRefused() {
        assertProblem(MINIMAL.replace("[\"sh\"]", "[\"sh\", null]"), "$.process.args[1]", "must not be null");
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"annotations\": {\"a\": null}}",
            "$.annotations.a", "must not be null");
    }

    @Test
    void explicitNullIsTheSameAsAbsent() {
        Spec spec = SpecFixtures.load("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"process\": null}");
        assertNull(spec.process());
    }

    @Test
    void everyMissingRequiredFieldIsReportedAtOnce() {
        SpecException e = SpecFixtures.rejected("{\"process\": {\"args\": [\"sh\"]}, \"root\": {},"
            + " \"mounts\": [{\"destination\": \"/a\"}, {\"type\": \"tmpfs\"}]}");
        assertEquals(List.of("$.ociVersion", "$.root.path", "$.process.cwd", "$.mounts[1].destination"), paths(e));
        assertTrue(e.problems().stream().allMatch(p -> p.problem().equals("required field is missing")));
        assertProblem("{\"ociVersion\": \"1.2.0\"}", "$.root", "required field is missing");
    }

    @Test
    void parseAloneReportsMissingRequiredFields() {
        SpecException e = assertThrows(SpecException.class,
            () -> SpecParser.parse("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"process\": "
                + "{\"cwd\": \"/\"}}", "config.json"));
        assertEquals(List.of("$.process.args"), paths(e));
    }

    @Test
    void unknownFieldsAreIgnored() {
        Spec spec = SpecFixtures.load("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\", \"x-extra\": [1, "
            + "{\"deep\": [null]}]}, \"org.example.extension\": {\"a\": 1}, \"windows\": {\"layerFolders\": []},"
            + " \"linux\": {\"namespaces\": [{\"type\": \"pid\", \"comment\": \"hi\"}], \"vendorThing\": 3}}");
        assertEquals("r", spec.root().path());
        assertEquals("pid", spec.linux().namespaces().get(0).type());
    }

    @Test
    void knownButUnsupportedFieldsAreRefused() {
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"linux\": {\"intelRdt\": "
            + "{\"closID\": \"x\"}}}", "$.linux.intelRdt", "not supported");
    }

    @Test
    void hostileInputIsBounded() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"x\": " + deep + "}", "$",
            "safety limit");
        String huge = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"" + "a".repeat(SpecJson.MAX_BYTES) + "\"}}";
        assertProblem(huge, "$", "larger than");
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"process\": {\"cwd\": \"/\", "
            + "\"args\": [\"sh\"], \"oomScoreAdj\": 1" + "0".repeat(100) + "}}", "$",
            "safety limit");
    }

    @Test
    void parsesFromStreamsAndFiles(@TempDir Path dir) throws Exception {
        Spec fromString = SpecParser.parse(MINIMAL, "inline");
        Spec fromStream = SpecParser.parse(new ByteArrayInputStream(MINIMAL.getBytes(StandardCharsets.UTF_8)),
            "stdin");
        Path file = dir.resolve("config.json");
        Files.writeString(file, MINIMAL);
        assertEquals(fromString, fromStream);
        assertEquals(fromString, SpecParser.load(file));
        SpecException e = assertThrows(SpecException.class, () -> SpecParser.parse(dir.resolve("missing.json")));
        assertTrue(e.getMessage().startsWith(dir.resolve("missing.json") + ": $: cannot read"), e::getMessage);
        byte[] tooBig = new byte[SpecJson.MAX_BYTES + 10];
        assertThrows(SpecException.class, () -> SpecParser.parse(new ByteArrayInputStream(tooBig), "stdin"));
    }

    @Test
    void messagesStayOnOneLine() {
        SpecException e = SpecFixtures.rejected("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, "
            + "\"annotations\": {\"a\\u0000\\nb\": 1}}");
        assertFalse(e.getMessage().contains("\n"), e::getMessage);
        assertFalse(e.getMessage().contains("\0"), e::getMessage);
    }
}
