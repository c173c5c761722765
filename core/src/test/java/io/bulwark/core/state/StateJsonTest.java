package io.bulwark.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streaming codec writes what data binding wrote and reads what data binding read. */
class StateJsonTest {
    private static final ObjectMapper DATABIND = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static ContainerState sample(String tenant, Map<String, String> annotations) {
        return new ContainerState("c-1", "/b \"quoted\"", "/b/rootfs", "linux", 4242, 987654321012L, true,
            "2024-05-01T12:00:03.5Z", "root", tenant, annotations, null);
    }

    @Test
    void stateFileRoundTripsAndMatchesDataBinding() throws IOException {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("io.bulwark.backend", "linux");
        annotations.put("note", "é\n\u0001");
        for (ContainerState s : new ContainerState[] {sample("acme", annotations), sample(null, Map.of()),
                sample(null, null)}) {
            byte[] ours = StateJson.write(s);
            assertEquals(DATABIND.readTree(DATABIND.writeValueAsBytes(s)), DATABIND.readTree(ours));
            assertEquals(s, StateJson.read(ours));
            assertEquals(s, StateJson.read(DATABIND.writeValueAsBytes(s)));
        }
    }

    @Test
    void readingSkipsUnknownFieldsAndDefaultsMissingOnes() throws IOException {
        ContainerState s = StateJson.read(("{\"id\":\"x\",\"future\":{\"a\":[1,{\"b\":null}]},\"pid\":7,"
            + "\"extra\":[true]}").getBytes(StandardCharsets.UTF_8));
        assertEquals(new ContainerState("x", null, null, null, 7, 0, false, null, null, null, null, null), s);
    }

    @Test
    void refusesWrongTypesAndBrokenDocuments() {
        for (String bad : new String[] {"{\"pid\":\"7\"}", "{\"pid\":4294967296}", "{\"started\":1}",
                "{\"annotations\":[]}", "{\"annotations\":{\"a\":1}}", "[]", "{\"id\":\"x\"} {}", "{\"id\":",
                "{\"pidStartTime\":1.5}"}) {
            IOException e = assertThrows(IOException.class,
                () -> StateJson.read(bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), bad);
        }
    }

    @Test
    void ociStateIsPrintedAsDataBindingPrintedIt() throws IOException {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("a", "1");
        annotations.put("b", "two");
        for (OciState s : new OciState[] {
                new OciState(OciState.OCI_VERSION, "c", "running", 12, "/bundle", annotations),
                new OciState(OciState.OCI_VERSION, "c", "stopped", 0, "/bundle", Map.of()),
                new OciState(OciState.OCI_VERSION, "c", "creating", 0, null, null)}) {
            assertEquals(DATABIND.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s),
                StateJson.oci(s, true));
            assertEquals(DATABIND.writeValueAsString(s), StateJson.oci(s, false));
            assertEquals(DATABIND.writeValueAsString(s), new String(StateJson.ociBytes(s), StandardCharsets.UTF_8));
        }
    }
}
