package io.bulwark.seccomp.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileFileTest {
    @TempDir
    Path tmp;

    private Path write(String json) throws Exception {
        Path p = Files.createTempFile(tmp, "p", ".json");
        Files.writeString(p, json);
        return p;
    }

    @Test
    void readsABareProfileAndIgnoresUnknownFields() throws Exception {
        ProfileFile.Loaded l = ProfileFile.read(write("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"comment\":\"x\","
            + "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"comment\":\"y\"}]}"));
        assertEquals("$", l.jsonPath());
        assertEquals("SCMP_ACT_ERRNO", l.seccomp().defaultAction());
        assertEquals(List.of("read"), l.seccomp().syscalls().get(0).names());
    }

    @Test
    void readsTheSectionOfAConfig() throws Exception {
        ProfileFile.Loaded l = ProfileFile.read(write("{\"ociVersion\":\"1.2.0\",\"linux\":{\"seccomp\":"
            + "{\"defaultAction\":\"SCMP_ACT_LOG\"}}}"));
        assertEquals("$.linux.seccomp", l.jsonPath());
        assertEquals("SCMP_ACT_LOG", l.seccomp().defaultAction());
        Path none = write("{\"ociVersion\":\"1.2.0\",\"linux\":{}}");
        assertEquals(none + ": $.linux.seccomp: the config has no seccomp section",
            assertThrows(BulwarkException.class, () -> ProfileFile.read(none)).getMessage());
    }

    @Test
    void wrongTypesNameTheJsonPath() throws Exception {
        Path p = write("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
            + "\"args\":[{\"index\":\"zero\"}]}]}");
        String m = assertThrows(BulwarkException.class, () -> ProfileFile.read(p)).getMessage();
        assertTrue(m.startsWith(p + ": $.syscalls[0].args[0].index: "), m);
        Path broken = write("{\"defaultAction\":");
        String syntax = assertThrows(BulwarkException.class, () -> ProfileFile.read(broken)).getMessage();
        assertTrue(syntax.startsWith(broken + ": $.defaultAction: not valid JSON"), syntax);
        Path array = write("[]");
        assertEquals(array + ": $: must be a JSON object",
            assertThrows(BulwarkException.class, () -> ProfileFile.read(array)).getMessage());
        assertEquals(tmp.resolve("missing.json") + ": no such file", assertThrows(BulwarkException.class,
            () -> ProfileFile.read(tmp.resolve("missing.json"))).getMessage());
    }
}
