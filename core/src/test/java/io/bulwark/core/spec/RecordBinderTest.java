package io.bulwark.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The fast binder binds exactly as Jackson does, or gives up: whatever it returns equals Jackson's records for the
 * same tree, and every configuration it gives up on goes to Jackson (whose errors the parser reports).
 */
class RecordBinderTest {
    private static final SpecProperties GENERATORS = new SpecProperties();

    private static JsonNode tree(String json) throws Exception {
        return SpecJson.mapper().readTree(json);
    }

    private static void bindsAsJacksonOrGivesUp(String json) throws Exception {
        JsonNode tree;
        try {
            tree = tree(json);
        } catch (Exception e) {
            return; // not JSON: the parser refuses it before binding
        }
        if (tree == null || tree.isMissingNode()) {
            return;
        }
        Spec fast = RecordBinder.bind(tree, Spec.class);
        if (fast != null) {
            assertEquals(SpecJson.mapper().treeToValue(tree, Spec.class), fast, json);
        }
    }

    @Test
    void wellFormedConfigsTakeTheFastPathAndMatchJackson() throws Exception {
        for (String json : List.of(SpecFixtures.fullConfig(), SpecWriter.toJson(DefaultSpec.create()),
                SpecWriter.toJson(DefaultSpec.rootless(1000, 1000)))) {
            Spec fast = RecordBinder.bind(tree(json), Spec.class);
            assertNotNull(fast, json);
            assertEquals(SpecJson.mapper().treeToValue(tree(json), Spec.class), fast);
        }
    }

    @Test
    void unsignedValuesBindBitForBit() throws Exception {
        String json = """
            {"ociVersion": "1.2.0", "root": {"path": "rootfs"}, "process": {"cwd": "/", "args": ["sh"],
             "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 18446744073709551615, "hard": 9223372036854775808}]}}
            """;
        Rlimit r = RecordBinder.bind(tree(json), Spec.class).process().rlimits().get(0);
        assertEquals(-1L, r.soft());
        assertEquals(Long.MIN_VALUE, r.hard());
    }

    @Test
    void whatJacksonRefusesIsLeftToJackson() throws Exception {
        for (String json : List.of(
                "{\"ociVersion\": 1}",                                         // another JSON type
                "{\"hostname\": true}",
                "{\"process\": {\"args\": [\"sh\", null]}}",                 // a content null
                "{\"annotations\": {\"a\": null}}",
                "{\"process\": {\"user\": {\"umask\": 4294967296}}}",        // out of range for the type
                "{\"process\": {\"oomScoreAdj\": 1.5}}",                      // fractional for an integer
                "{\"process\": {\"rlimits\": [{\"soft\": -1}]}}",             // negative unsigned
                "{\"process\": {\"rlimits\": [{\"soft\": 18446744073709551616}]}}",
                "{\"mounts\": {}}",
                "[]")) {
            assertNull(RecordBinder.bind(tree(json), Spec.class), json);
        }
    }

    @Property(tries = 1500, seed = "20261204")
    void arbitraryDocumentsBindAsJacksonOrGiveUp(@ForAll("jsonDocumentsFromSpecProperties") String json)
            throws Exception {
        bindsAsJacksonOrGivesUp(json);
    }

    @Property(tries = 1500, seed = "20261204")
    void mutatedConfigsBindAsJacksonOrGiveUp(@ForAll("mutationsFromSpecProperties") String json) throws Exception {
        bindsAsJacksonOrGivesUp(json);
    }

    @Property(tries = 300, seed = "20261204")
    void validConfigsAlwaysTakeTheFastPath(@ForAll("validSpecsFromSpecProperties") Spec spec) throws Exception {
        Spec fast = RecordBinder.bind(tree(SpecWriter.toJson(spec)), Spec.class);
        assertEquals(spec, fast);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> jsonDocumentsFromSpecProperties() {
        return GENERATORS.jsonDocuments();
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> mutationsFromSpecProperties() {
        return GENERATORS.mutations();
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Spec> validSpecsFromSpecProperties() {
        return GENERATORS.validSpecs();
    }
}
