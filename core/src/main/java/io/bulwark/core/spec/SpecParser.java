package io.bulwark.core.spec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads an OCI {@code config.json} strictly. Malformed JSON, a duplicate key, a value of the wrong JSON type, a
 * number out of range, an oversized or over-deep document, a field Bulwark knows but does not support, and a
 * missing required field each become a {@link SpecException} naming the file, the JSON path and the problem.
 * Unknown fields are skipped (the spec allows extensions) with a debug log line.
 *
 * <p>Parsing checks shape only; {@link SpecValidator} checks what the values mean ({@link #load} does both).
 */
public final class SpecParser {
    private static final java.util.regex.Pattern DUPLICATE =
        java.util.regex.Pattern.compile("Duplicate field '((?:[^'\\\\]|\\\\.)*)'");

    private SpecParser() {
    }

    /**
     * Parses and fully validates a bundle's config file: what {@code create} and {@code run} use. Once the JSON
     * binds, every problem (missing fields and invalid values alike) is reported in one exception.
     */
    public static Spec load(Path file) {
        return validated(readBounded(file), file.toString());
    }

    /** {@link #load(Path)} for a configuration held in a string; {@code name} stands for the file. */
    public static Spec load(String json, String name) {
        return validated(json.getBytes(StandardCharsets.UTF_8), name);
    }

    private static Spec validated(byte[] json, String name) {
        if (json.length > SpecJson.MAX_BYTES) {
            throw tooLarge(name);
        }
        Spec spec = bind(json, name, false);
        SpecValidator.validate(spec, name);
        return spec;
    }

    private static byte[] readBounded(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(SpecJson.MAX_BYTES + 1);
        } catch (IOException e) {
            throw SpecException.of(file.toString(), JsonPaths.ROOT, "cannot read the file: " + e, e);
        }
    }

    public static Spec parse(Path file) {
        byte[] json = readBounded(file);
        if (json.length > SpecJson.MAX_BYTES) {
            throw tooLarge(file.toString());
        }
        return parse(json, file.toString());
    }

    /** Parses a configuration held in a string; {@code name} stands for the file in messages. */
    public static Spec parse(String json, String name) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > SpecJson.MAX_BYTES) {
            throw tooLarge(name);
        }
        return parse(bytes, name);
    }

    /** Reads at most the size limit from {@code in} (which stays open) and parses it. */
    public static Spec parse(InputStream in, String name) {
        byte[] bytes;
        try {
            bytes = in.readNBytes(SpecJson.MAX_BYTES + 1);
        } catch (IOException e) {
            throw SpecException.of(name, JsonPaths.ROOT, "cannot read the configuration: " + e, e);
        }
        if (bytes.length > SpecJson.MAX_BYTES) {
            throw tooLarge(name);
        }
        return parse(bytes, name);
    }

    /**
     * A configuration Bulwark stored itself (the admitted one in a container's state directory) bound without data
     * binding, or null when it does not bind exactly (the caller then reads it with a mapper). No validation: it
     * was validated before it was stored.
     */
    public static Spec bindStored(byte[] json) {
        JsonNode tree = SpecTree.read(json);
        return tree == null ? null : RecordBinder.bind(tree, Spec.class);
    }

    public static Spec parse(byte[] json, String name) {
        return bind(json, name, true);
    }

    private static Spec bind(byte[] json, String name, boolean checkRequired) {
        List<String[]> unknown;
        Spec spec;
        try {
            // the common case without the strict mapper: a document the streaming parser reads as the mapper
            // would, whose tree binds exactly; anything else is read again by the mapper, for its exact errors
            JsonNode tree = SpecTree.read(json);
            spec = tree == null ? null : RecordBinder.bind(tree, Spec.class);
            if (spec == null) {
                tree = SpecJson.mapper().readTree(json);
            }
            if (tree == null || tree.isMissingNode()) {
                throw SpecException.of(name, JsonPaths.ROOT, "the configuration is empty", null);
            }
            unknown = SpecJson.unknownFields(tree, Spec.class, JsonPaths.ROOT);
            if (spec == null) {
                spec = RecordBinder.bind(tree, Spec.class);
            }
            if (spec == null) {
                spec = SpecJson.mapper().treeToValue(tree, Spec.class); // Jackson's binding: exact errors
            }
        } catch (JacksonException e) {
            throw translate(e, name);
        } catch (IOException e) {
            throw SpecException.of(name, JsonPaths.ROOT, "cannot read the configuration: " + e, e);
        }
        if (spec == null) {
            throw SpecException.of(name, JsonPaths.ROOT, "the configuration must be a JSON object, found null",
                null);
        }
        List<SpecProblem> problems = new ArrayList<>();
        for (String[] p : unknown) {
            problems.add(new SpecProblem(name, p[0], p[1]));
        }
        if (checkRequired) {
            problems.addAll(SpecValidator.requiredFields(spec, name));
        }
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        return spec;
    }

    private static SpecException tooLarge(String name) {
        return SpecException.of(name, JsonPaths.ROOT,
            "the configuration is larger than " + (SpecJson.MAX_BYTES >> 20) + " MiB", null);
    }

    /** Turns Jackson's exceptions into one problem with a JSON path and a short, printable message. */
    static SpecException translate(JacksonException e, String name) {
        String path;
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            path = JsonPaths.of(m.getPath());
        } else if (e.getProcessor() instanceof JsonParser p) {
            JsonStreamContext context = p.getParsingContext();
            if ((p.currentToken() == JsonToken.START_ARRAY || p.currentToken() == JsonToken.START_OBJECT)
                    && context.getParent() != null) {
                context = context.getParent();
            }
            path = JsonPaths.of(context);
        } else {
            path = JsonPaths.ROOT;
        }
        java.util.regex.Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
        if (duplicate.lookingAt() && !path.equals(JsonPaths.field(JsonPaths.parent(path), duplicate.group(1)))) {
            path = JsonPaths.field(path, duplicate.group(1));
        }
        return SpecException.of(name, path, describe(e), e);
    }

    private static String describe(JacksonException e) {
        Throwable cause = e.getCause();
        if (e instanceof JsonMappingException && cause instanceof JacksonException inner && inner != e) {
            return describe(inner);
        }
        if (e instanceof StreamConstraintsException) {
            return "exceeds a safety limit: " + firstLine(e.getOriginalMessage());
        }
        if (e instanceof InputCoercionException c) {
            return "number out of range for " + kind(c.getTargetType());
        }
        if (e instanceof InvalidNullException) {
            return "must not be null";
        }
        if (e instanceof InvalidFormatException f && f.getOriginalMessage() != null
                && f.getOriginalMessage().startsWith("Cannot coerce")) {
            return "expected " + kind(f.getTargetType()) + ", found " + kind(f.getValue());
        }
        if (e instanceof InvalidFormatException f && f.getValue() instanceof Number) {
            return "number " + f.getValue() + " is out of range for " + kind(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m && String.valueOf(m.getOriginalMessage()).startsWith("Trailing")) {
            return "unexpected content after the configuration's JSON object";
        }
        if (e instanceof MismatchedInputException m) {
            JsonToken found = m.getProcessor() instanceof JsonParser p ? p.currentToken() : null;
            String message = m.getOriginalMessage() == null ? "" : m.getOriginalMessage();
            for (JsonToken t : JsonToken.values()) {
                if (message.contains("JsonToken." + t.name() + "`")) {
                    found = t;
                }
            }
            if (found == null) {
                return "the configuration is empty or cut short";
            }
            return "expected " + kind(m.getTargetType()) + ", found " + kind(found);
        }
        if (e instanceof StreamReadException) {
            String msg = firstLine(e.getOriginalMessage());
            if (msg.startsWith("Duplicate field")) {
                return "duplicate key" + msg.substring("Duplicate field".length());
            }
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            return "malformed JSON: " + msg + where;
        }
        return firstLine(e.getOriginalMessage());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return JsonPaths.printable(line.replaceAll(" ?\\(start marker at \\[Source: [^\\]]*\\][^)]*\\)", ""));
    }

    private static String kind(Class<?> type) {
        if (type == null) {
            return "another value";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (type == Long.class || type == Integer.class || type == long.class || type == int.class
                || type == Short.class || type == java.math.BigInteger.class) {
            return type == Integer.class || type == int.class ? "a 32-bit integer" : "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "a value of type " + type.getSimpleName();
    }

    private static String kind(Object value) {
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof java.math.BigDecimal || value instanceof Double || value instanceof Float) {
            return "a fractional number";
        }
        if (value instanceof Number) {
            return "an integer";
        }
        return "another value";
    }

    private static String kind(JsonToken token) {
        return switch (token) {
            case START_OBJECT, END_OBJECT, FIELD_NAME -> "an object";
            case START_ARRAY, END_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a fractional number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> "unexpected input";
        };
    }
}
