package io.bulwark.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeaturesTest {

    @Test
    void defaultsComeFromTheVocabularyTheValidatorAccepts() throws Exception {
        Features f = Features.builder().build();
        assertEquals("1.0.0", f.ociVersionMin());
        assertEquals("1.2.0", f.ociVersionMax());
        assertEquals(SpecNames.HOOKS, f.hooks());
        assertEquals(SpecNames.NAMESPACES, f.linux().namespaces());
        assertEquals(SpecNames.CAPABILITIES, f.linux().capabilities());
        assertEquals(SpecNames.SECCOMP_ACTIONS, f.linux().seccomp().actions());
        assertFalse(f.linux().seccomp().enabled());
        assertFalse(f.linux().intelRdt().enabled());
    }

    @Test
    void theBuilderRecordsWhatTheHostSupportsAndPrintsRuncsShape() throws Exception {
        Features f = Features.builder()
            .cgroup(true, true, false, false, false)
            .seccomp(true, List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG"))
            .apparmor(false)
            .idmapMounts(true)
            .annotation("io.github.seccomp.libseccomp.version", "2.5.4")
            .annotation("org.opencontainers.runtime-spec.version", "1.2.0")
            .potentiallyUnsafeConfigAnnotations(List.of("bulwark."))
            .build();
        JsonNode json = SpecJson.mapper().readTree(f.toJson());
        assertEquals("1.2.0", json.get("ociVersionMax").asText());
        assertTrue(json.get("linux").get("cgroup").get("v1").asBoolean());
        assertTrue(json.get("linux").get("seccomp").get("enabled").asBoolean());
        assertEquals(2, json.get("linux").get("seccomp").get("supportedFlags").size());
        assertTrue(json.get("linux").get("seccomp").get("archs").toString().contains("SCMP_ARCH_X86_64"));
        assertTrue(json.get("linux").get("mountExtensions").get("idmap").get("enabled").asBoolean());
        assertFalse(json.get("linux").get("apparmor").get("enabled").asBoolean());
        assertEquals("2.5.4", json.get("annotations").get("io.github.seccomp.libseccomp.version").asText());
        assertTrue(json.get("mountOptions").toString().contains("rbind"));
        assertEquals(List.of("io.github.seccomp.libseccomp.version", "org.opencontainers.runtime-spec.version"),
            List.copyOf(f.annotations().keySet()), "insertion order is kept");
    }
}
