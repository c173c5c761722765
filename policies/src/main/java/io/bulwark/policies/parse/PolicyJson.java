package io.bulwark.policies.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * The one Jackson set-up for policy and runtime configuration files: strict (unknown fields, duplicate keys,
 * trailing content, a number where a string belongs or the reverse are errors) and bounded (nesting depth and
 * string length), and a stable, indented output for {@code bulwark policy show}.
 */
public final class PolicyJson {
    private static final ObjectMapper MAPPER = build();

    private PolicyJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper build() {
        JsonMapper mapper = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
        mapper.getFactory().setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 16).build());
        for (LogicalType type : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float,
            LogicalType.Boolean, LogicalType.Enum}) {
            mapper.coercionConfigFor(type)
                .setCoercion(CoercionInputShape.Integer, type == LogicalType.Integer || type == LogicalType.Float
                    ? CoercionAction.TryConvert : CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, type == LogicalType.Float
                    ? CoercionAction.TryConvert : CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, type == LogicalType.Boolean
                    ? CoercionAction.TryConvert : CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        return mapper;
    }
}
