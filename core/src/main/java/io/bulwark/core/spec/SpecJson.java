package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one strict Jackson set-up for the files Bulwark reads: strict on types (no "1" for 1, no 1 for "1", no 1.5
 * for an integer, no number for an enum), strict on syntax (duplicate keys, trailing content) and bounded (size,
 * nesting depth, string, name and number length). OCI configuration files ({@link #mapper()}) are also strict on
 * nulls inside arrays and maps and tolerant of unknown fields, as the spec demands; other formats (tenant
 * policies, the runtime configuration) choose for themselves through {@link #strictMapper}.
 */
public final class SpecJson {
    /** A config larger than this is refused before it is parsed (runc's default spec is 3 KiB). */
    static final int MAX_BYTES = 4 << 20;
    /** The deepest valid config nests 7 levels; this leaves room for extensions and stops stack exhaustion. */
    static final int MAX_DEPTH = 64;
    static final int MAX_STRING_CHARS = 1 << 20;
    static final int MAX_NAME_CHARS = 4096;
    static final int MAX_NUMBER_CHARS = 64;

    /** Bounds on one document: its size in bytes, nesting depth, and the length of strings, keys and numbers. */
    public record Limits(int maxBytes, int maxDepth, int maxStringChars, int maxNameChars, int maxNumberChars) {
    }

    /** What an OCI configuration file may hold. */
    static final Limits CONFIG_LIMITS =
        new Limits(MAX_BYTES, MAX_DEPTH, MAX_STRING_CHARS, MAX_NAME_CHARS, MAX_NUMBER_CHARS);

    /** Fields of the 1.2 spec that Bulwark knows and does not implement: refused, never silently ignored. */
    static final Map<String, String> UNSUPPORTED = Map.of(
        "$.linux.intelRdt", "Intel RDT is not supported by Bulwark");

    private static final System.Logger LOG = io.bulwark.core.LazyLogger.of("io.bulwark.core.spec");

    /** Made on first use: a well-formed configuration is read without it ({@link SpecTree}, {@link RecordBinder}). */
    private static final class Strict {
        static final ObjectMapper MAPPER = strictMapper(CONFIG_LIMITS, true, false);
    }

    /** The strict mapper for OCI configuration files. */
    static ObjectMapper mapper() {
        return Strict.MAPPER;
    }

    private SpecJson() {
    }

    /**
     * A mapper as strict as the one for OCI configuration files, within {@code limits}; {@code unknownFields}
     * says whether fields no record declares are skipped (else refused), {@code nullElements} whether an array or
     * map may hold null (for formats that report such nulls themselves, with their own words).
     */
    public static ObjectMapper strictMapper(Limits limits, boolean unknownFields, boolean nullElements) {
        JsonFactory factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxDepth())
                .maxStringLength(limits.maxStringChars())
                .maxNameLength(limits.maxNameChars())
                .maxNumberLength(limits.maxNumberChars())
                .maxDocumentLength(limits.maxBytes())
                .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
        JsonMapper.Builder builder = JsonMapper.builder(factory)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, !unknownFields)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.NON_NULL);
        if (!nullElements) {
            builder.defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        }
        JsonMapper mapper = builder.build();
        for (LogicalType type : List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Float,
                LogicalType.Boolean, LogicalType.Enum, LogicalType.Collection, LogicalType.Map, LogicalType.POJO)) {
            mapper.coercionConfigFor(type)
                .setCoercion(CoercionInputShape.Integer, type == LogicalType.Integer || type == LogicalType.Float
                    ? CoercionAction.TryConvert : CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, type == LogicalType.Float
                    ? CoercionAction.TryConvert : CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, type == LogicalType.Boolean
                    ? CoercionAction.TryConvert : CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, type == LogicalType.Textual || type == LogicalType.Enum
                    ? CoercionAction.TryConvert : CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, type == LogicalType.Textual
                    ? CoercionAction.TryConvert : CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyArray, type == LogicalType.Collection
                    ? CoercionAction.TryConvert : CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyObject, type == LogicalType.Map || type == LogicalType.POJO
                    ? CoercionAction.TryConvert : CoercionAction.Fail)
                .setAcceptBlankAsEmpty(false);
        }
        return mapper;
    }

    /**
     * Walks a parsed document against the record types it binds to: fields no record declares are spec
     * extensions (logged at debug level, then ignored by binding); fields in {@link #UNSUPPORTED} are returned as
     * problems (path, message). Paths come from the walk, so they are exact wherever the field is.
     */
    static List<String[]> unknownFields(JsonNode node, Type type, String path) {
        List<String[]> unsupported = new ArrayList<>();
        walk(node, type, path, unsupported);
        return unsupported;
    }

    private static void walk(JsonNode node, Type type, String path, List<String[]> unsupported) {
        if (node.isTextual()) {
            // A "\\udXXX" escape can leave half a surrogate pair, which has no UTF-8 form: the kernel, the shim
            // and a written-back config would each see another string than the one validated.
            String bad = unpairedSurrogate(node.textValue());
            if (bad != null) {
                unsupported.add(new String[] {path, bad});
            }
            return;
        }
        Class<?> raw = raw(type);
        if (node.isObject() && raw.isRecord()) {
            Map<String, Type> properties = PROPERTIES.computeIfAbsent(raw, SpecJson::properties);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String child = JsonPaths.field(path, field.getKey());
                Type childType = properties.get(field.getKey());
                if (childType != null) {
                    walk(field.getValue(), childType, child, unsupported);
                } else if (UNSUPPORTED.containsKey(child)) {
                    unsupported.add(new String[] {child, UNSUPPORTED.get(child)});
                } else {
                    LOG.log(System.Logger.Level.DEBUG, "ignoring unknown configuration field {0}", child);
                }
            }
        } else if (node.isObject() && Map.class.isAssignableFrom(raw)) {
            Type values = argument(type, 1);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String bad = unpairedSurrogate(field.getKey());
                if (bad != null) {
                    unsupported.add(new String[] {JsonPaths.field(path, field.getKey()), "key " + bad});
                }
                walk(field.getValue(), values, JsonPaths.field(path, field.getKey()), unsupported);
            }
        } else if (node.isArray() && List.class.isAssignableFrom(raw)) {
            Type elements = argument(type, 0);
            for (int n = 0; n < node.size(); n++) {
                walk(node.get(n), elements, JsonPaths.index(path, n), unsupported);
            }
        }
    }

    /** A problem when {@code s} holds an unpaired UTF-16 surrogate, else null. */
    static String unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format("is not valid Unicode: unpaired surrogate \\u%04x at character %d", (int) c, i);
            }
        }
        return null;
    }

    private static final Map<Class<?>, Map<String, Type>> PROPERTIES = new ConcurrentHashMap<>();

    /** JSON property name to Java type of a record's components (honouring {@code @JsonProperty} renames). */
    private static Map<String, Type> properties(Class<?> record) {
        Map<String, Type> known = RecordBinder.properties(record);
        if (known != null) {
            return known;
        }
        Map<String, Type> properties = new HashMap<>();
        for (RecordComponent c : record.getRecordComponents()) {
            JsonProperty renamed = c.getAnnotation(JsonProperty.class);
            if (renamed == null && c.getAccessor() != null) {
                renamed = c.getAccessor().getAnnotation(JsonProperty.class);
            }
            String name = renamed != null && !renamed.value().isEmpty() ? renamed.value() : c.getName();
            properties.put(name, c.getGenericType());
        }
        return properties;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return Object.class;
    }

    private static Type argument(Type type, int index) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            return p.getActualTypeArguments()[index];
        }
        return Object.class;
    }
}
