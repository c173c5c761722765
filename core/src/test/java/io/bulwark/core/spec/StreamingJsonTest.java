package io.bulwark.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The streaming reader ({@link SpecTree}) reads what the strict mapper reads or gives up, and the streaming writer
 * ({@link RecordWriter}) writes exactly the mapper's text: the cold path changes no byte of what Bulwark accepts,
 * refuses or prints.
 */
class StreamingJsonTest {
    private static final SpecProperties GENERATORS = new SpecProperties();

    private static void readsAsTheMapperOrGivesUp(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        JsonNode fast = SpecTree.read(bytes);
        JsonNode mapper;
        try {
            mapper = SpecJson.mapper().readTree(bytes);
        } catch (Exception e) {
            assertNull(fast, json); // the mapper refuses it: so must the fast reader, leaving the error to it
            return;
        }
        if (fast != null) {
            assertEquals(mapper, fast, json);
        }
    }

    @Test
    void wellFormedConfigsAreReadByTheStreamingParser() {
        for (String json : List.of(SpecFixtures.fullConfig(), SpecWriter.toJson(DefaultSpec.create()))) {
            assertNotNull(SpecTree.read(json.getBytes(StandardCharsets.UTF_8)), json);
            readsAsTheMapperOrGivesUp(json);
        }
    }

    @Test
    void whatOnlyTheMapperCanJudgeIsLeftToIt() {
        for (String json : List.of("", "  ", "{\"a\": 1, \"a\": 2}", "{} {}", "{} x", "{\"a\": 1.5}", "{\"a\":",
                "[1, 2", "{\"a\": 1e3}", "{\"a\": NaN}", "{'a': 1}", "{\"a\": 01}")) {
            assertNull(SpecTree.read(json.getBytes(StandardCharsets.UTF_8)), json);
        }
    }

    @Test
    void featuresAndDefaultSpecsAreWrittenAsTheMapperWritesThem() throws Exception {
        Features features = Features.builder().cgroup(true, true, false, false, false).apparmor(false)
            .selinux(false).annotation("io.bulwark.backends", "linux,vm").build();
        assertEquals(SpecJson.mapper().writeValueAsString(features), RecordWriter.write(features, true));
        for (Spec spec : List.of(DefaultSpec.create(), DefaultSpec.rootless(1000, 1000),
                SpecFixtures.load(SpecFixtures.fullConfig()))) {
            assertEquals(SpecJson.mapper().writeValueAsString(spec), RecordWriter.write(spec, true));
        }
    }

    @Property(tries = 1500, seed = "20261204")
    void arbitraryDocumentsReadAsTheMapperOrGiveUp(@ForAll("jsonDocumentsFromSpecProperties") String json) {
        readsAsTheMapperOrGivesUp(json);
    }

    @Property(tries = 1500, seed = "20261204")
    void mutatedConfigsReadAsTheMapperOrGiveUp(@ForAll("mutationsFromSpecProperties") String json) {
        readsAsTheMapperOrGivesUp(json);
    }

    @Property(tries = 300, seed = "20261204")
    void validConfigsAreWrittenAsTheMapperWritesThem(@ForAll("validSpecsFromSpecProperties") Spec spec)
            throws Exception {
        assertEquals(SpecJson.mapper().writeValueAsString(spec), RecordWriter.write(spec, true));
        assertEquals(spec, SpecParser.bindStored(RecordWriter.write(spec, false).getBytes(StandardCharsets.UTF_8)));
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
