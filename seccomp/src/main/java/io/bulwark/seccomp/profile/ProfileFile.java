package io.bulwark.seccomp.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Seccomp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads a seccomp profile from a file: either a bare OCI {@code linux.seccomp} object or a whole
 * {@code config.json}, whose {@code linux.seccomp} is taken.
 */
public final class ProfileFile {
    private static final System.Logger LOG = io.bulwark.core.LazyLogger.of(ProfileFile.class.getName());
    private static final Set<String> KNOWN = Set.of("defaultAction", "defaultErrnoRet", "architectures", "flags",
        "listenerPath", "listenerMetadata", "syscalls");
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    /** A profile and where it sat in its file. */
    public record Loaded(Seccomp seccomp, String source, String jsonPath) {
    }

    private ProfileFile() {
    }

    public static Loaded read(Path file) {
        String source = file.toString();
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new BulwarkException(source + ": no such file");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw BulwarkException.invalid(source, parserPath(e), "not valid JSON: " + firstLine(e.getOriginalMessage())
                + where);
        } catch (IOException e) {
            throw new BulwarkException(source + ": cannot read: " + e.getMessage(), e);
        }
        return parse(root, source);
    }

    /** Where in the document the parser stopped, as a JSON path ({@code $} when it cannot tell). */
    private static String parserPath(JsonProcessingException e) {
        if (!(e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser parser)) {
            return "$";
        }
        java.util.ArrayDeque<String> steps = new java.util.ArrayDeque<>();
        for (com.fasterxml.jackson.core.JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot();
                c = c.getParent()) {
            if (c.inArray()) {
                steps.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                steps.push("." + c.getCurrentName());
            }
        }
        return "$" + String.join("", steps);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    public static Loaded parse(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw BulwarkException.invalid(source, "$", "must be a JSON object");
        }
        JsonNode node = root;
        String path = "$";
        if (root.has("linux") || root.has("ociVersion")) {
            node = root.path("linux").path("seccomp");
            path = "$.linux.seccomp";
            if (!node.isObject()) {
                throw BulwarkException.invalid(source, path, "the config has no seccomp section");
            }
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!KNOWN.contains(f)) {
                LOG.log(System.Logger.Level.DEBUG, "{0}: {1}: ignoring unknown field \"{2}\"", source, path, f);
            }
        }
        try {
            return new Loaded(MAPPER.treeToValue(node, Seccomp.class), source, path);
        } catch (JsonMappingException e) {
            throw BulwarkException.invalid(source, jsonPath(path, e), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw BulwarkException.invalid(source, path, e.getOriginalMessage());
        }
    }

    private static String jsonPath(String base, JsonMappingException e) {
        StringBuilder sb = new StringBuilder(base);
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** The profile as JSON (for {@code seccomp default}). */
    public static String toJson(Seccomp seccomp) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(seccomp);
        } catch (JsonProcessingException e) {
            throw new BulwarkException("cannot write the seccomp profile as JSON: " + e.getMessage(), e);
        }
    }
}
