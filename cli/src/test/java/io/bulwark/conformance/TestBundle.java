package io.bulwark.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.spec.DefaultSpec;
import io.bulwark.core.spec.SpecWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * An OCI bundle for one conformance case: a root filesystem holding the static checker at /bin/oci-checker
 * (plus the mount points the cases use), owned by the id range Bulwark's default config maps container root to,
 * and a config.json that starts as {@code bulwark spec}'s default and that each case edits as a JSON tree.
 */
final class TestBundle {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String CHECKER = "/bin/oci-checker";
    private static final List<String> DIRS = List.of("bin", "proc", "sys", "dev", "tmp", "etc", "root", "mnt/a",
        "mnt/b", "data", "hostdir");

    final Path dir;
    final Path rootfs;
    final ObjectNode config;

    private TestBundle(Path dir, ObjectNode config) {
        this.dir = dir;
        this.rootfs = dir.resolve("rootfs");
        this.config = config;
    }

    static TestBundle create(Path parent, String name, Path checker) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name));
        ObjectNode config = (ObjectNode) JSON.readTree(SpecWriter.toJson(DefaultSpec.create()));
        TestBundle b = new TestBundle(dir, config);
        for (String d : DIRS) {
            Files.createDirectories(b.rootfs.resolve(d));
        }
        Path target = b.rootfs.resolve("bin/oci-checker");
        Files.copy(checker, target, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(b.rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        b.process().put("terminal", false);
        b.args(CHECKER, "report");
        chown(b.rootfs, DefaultSpec.HOST_ID_BASE);
        return b;
    }

    /** Gives the tree to container root (host uid 100000), as Podman prepares an image for a user namespace. */
    static void chown(Path tree, long id) throws IOException {
        try (Stream<Path> all = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setAttribute(p, "unix:uid", (int) id, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", (int) id, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    ObjectNode process() {
        return (ObjectNode) config.get("process");
    }

    ObjectNode linux() {
        return (ObjectNode) config.get("linux");
    }

    TestBundle args(String... args) {
        ArrayNode a = process().putArray("args");
        for (String s : args) {
            a.add(s);
        }
        return this;
    }

    /** The checker's report command with extra probes (paths, or cat:PATH). */
    TestBundle report(String... probes) {
        ArrayNode a = process().putArray("args");
        a.add(CHECKER).add("report");
        for (String s : probes) {
            a.add(s);
        }
        return this;
    }

    ArrayNode mounts() {
        return (ArrayNode) config.get("mounts");
    }

    ArrayNode namespaces() {
        return (ArrayNode) linux().get("namespaces");
    }

    /** Removes a namespace type from linux.namespaces (the container then shares the runtime's). */
    TestBundle withoutNamespace(String type) {
        ArrayNode ns = namespaces();
        for (int i = ns.size() - 1; i >= 0; i--) {
            if (type.equals(ns.get(i).get("type").asText())) {
                ns.remove(i);
            }
        }
        return this;
    }

    /** Removes the user namespace and its mappings: container root is host root. */
    TestBundle withoutUserNamespace() throws IOException {
        withoutNamespace("user");
        linux().remove("uidMappings");
        linux().remove("gidMappings");
        chown(rootfs, 0);
        return this;
    }

    TestBundle set(String jsonPointer, JsonNode value) {
        int slash = jsonPointer.lastIndexOf('/');
        ObjectNode parent = slash == 0 ? config : config.withObject(jsonPointer.substring(0, slash));
        parent.set(jsonPointer.substring(slash + 1), value);
        return this;
    }

    TestBundle setJson(String jsonPointer, String json) throws IOException {
        return set(jsonPointer, JSON.readTree(json));
    }

    void write() throws IOException {
        Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(config));
    }

    /** Writes config.json as given text (for configs the JSON tree cannot express, such as duplicate keys). */
    void writeRaw(String text) throws IOException {
        Files.writeString(dir.resolve("config.json"), text);
    }
}
