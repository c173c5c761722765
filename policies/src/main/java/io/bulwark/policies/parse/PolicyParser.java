package io.bulwark.policies.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.JsonPaths;
import io.bulwark.core.spec.SpecJson;
import io.bulwark.core.spec.SpecProblem;
import io.bulwark.policies.model.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads a policy file strictly: JSON syntax, then the model, then {@link PolicyLinter}'s rules, all with paths. */
public final class PolicyParser {
    /** Policies are small and human-written; anything bigger is a mistake or an attack. */
    public static final int MAX_BYTES = 1 << 20;

    /**
     * Policy and runtime configuration files are as strict as a config and stricter: an unknown field is an
     * error (a misspelt rule must not pass as an absent one), and a null in a list is left for
     * {@link PolicyLinter} to report. Strings stay short; keys and numbers have Jackson's bounds.
     */
    private static final ObjectMapper MAPPER = SpecJson.strictMapper(new SpecJson.Limits(MAX_BYTES, 64, 1 << 16,
        StreamReadConstraints.DEFAULT_MAX_NAME_LEN, StreamReadConstraints.DEFAULT_MAX_NUM_LEN), false, true);

    private PolicyParser() {
    }

    /** The mapper for policy files and the runtime configuration (also writes {@code bulwark policy show}). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static Policy parse(Path file) {
        return parse(read(file), file.toString());
    }

    /** Reads a policy file's bytes (bounded), with a clear error when it is missing or unreadable. */
    public static byte[] read(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new PolicyException(file.toString(), JsonPaths.ROOT, "larger than " + MAX_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BulwarkException(file + ": no such policy file");
        } catch (IOException e) {
            throw new BulwarkException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses and lints a whole policy file ({@code name} required). */
    public static Policy parse(byte[] content, String file) {
        Policy policy = decode(content, file);
        List<SpecProblem> problems = PolicyLinter.lint(policy, file, true);
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return policy;
    }

    /** Parses and lints a policy fragment (a bundle's narrowing annotation: no name, no base). */
    public static Policy parseFragment(String content, String origin) {
        Policy policy = decode(content.getBytes(java.nio.charset.StandardCharsets.UTF_8), origin);
        List<SpecProblem> problems = PolicyLinter.lint(policy, origin, false);
        if (policy.name() != null || policy.base() != null) {
            problems = new java.util.ArrayList<>(problems);
            problems.add(new SpecProblem(origin, JsonPaths.ROOT, "a policy fragment cannot set name or extends"));
        }
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return policy;
    }

    private static Policy decode(byte[] content, String file) {
        if (content.length > MAX_BYTES) {
            throw new PolicyException(file, JsonPaths.ROOT, "larger than " + MAX_BYTES + " bytes");
        }
        try {
            Policy policy = MAPPER.readValue(content, Policy.class);
            if (policy == null) {
                throw new PolicyException(file, JsonPaths.ROOT, "expected an object, found null");
            }
            return policy;
        } catch (JsonMappingException e) {
            throw new PolicyException(file, JsonPaths.of(e.getPath()), describe(e));
        } catch (StreamConstraintsException e) {
            throw new PolicyException(file, JsonPaths.ROOT, "too deeply nested or too long: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            String path = e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser parser
                ? JsonPaths.of(parser.getParsingContext()) : JsonPaths.ROOT;
            throw new PolicyException(file, path, "not valid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new BulwarkException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static String describe(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + JsonPaths.printable(u.getPropertyName()) + "' (known: "
                + String.join(", ", u.getKnownPropertyIds().stream().map(Object::toString).sorted().toList()) + ")";
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getValue() != null
            && !f.getTargetType().isEnum() && !f.getTargetType().isInstance(f.getValue())
            && !(f.getValue() instanceof String && !f.getTargetType().getPackageName().startsWith("java."))) {
            return "wrong type: expected " + typeName(f.getTargetType()) + ", found "
                + JsonPaths.printable(String.valueOf(f.getValue()));
        }
        if (e instanceof InvalidFormatException f) {
            String msg = f.getOriginalMessage();
            int reason = msg.indexOf("\": ");
            return "invalid value '" + JsonPaths.printable(String.valueOf(f.getValue())) + "'"
                + (reason > 0 ? ": " + firstLine(msg.substring(reason + 3)) : "");
        }
        String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (msg.startsWith("Trailing token")) {
            return "unexpected content after the policy object";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "wrong type: expected " + typeName(m.getTargetType()) + found(msg);
        }
        return firstLine(e.getOriginalMessage());
    }

    private static String typeName(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type == java.math.BigDecimal.class) {
            return "a number";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants())
                .map(c -> "'" + c.toString().toLowerCase(java.util.Locale.ROOT) + "'").toList();
        }
        return "an object";
    }

    /** What Jackson found instead, from its message (it has no structured field for it). */
    private static String found(String msg) {
        String[][] shapes = {{"String value", "a string"}, {"Array value", "an array"}, {"START_ARRAY", "an array"},
            {"Boolean value", "true or false"}, {"VALUE_TRUE", "true"}, {"VALUE_FALSE", "false"},
            {"Object value", "an object"}, {"START_OBJECT", "an object"}, {"Integer value", "an integer"},
            {"Floating-point value", "a number"}, {"VALUE_NUMBER", "a number"}, {"null", "null"}};
        for (String[] shape : shapes) {
            if (msg.contains(shape[0])) {
                return ", found " + shape[1];
            }
        }
        return "";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return JsonPaths.printable(nl < 0 ? s : s.substring(0, nl));
    }
}
