package io.bulwark.core.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Reads a well-formed configuration into the tree {@link SpecJson#mapper()} would read, with the streaming parser
 * alone: the strict mapper (its configuration, coercion tables and date format) costs a cold JVM more than the
 * whole parse. The parser has the mapper's bounds and duplicate-key check. Anything it does not read exactly as
 * the mapper would (a syntax error, a duplicate key, trailing content, a fractional number, an empty document)
 * gives null, and the caller reads with the mapper, whose error names the problem.
 */
final class SpecTree {
    private static final JsonFactory FACTORY = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(SpecJson.MAX_DEPTH)
            .maxStringLength(SpecJson.MAX_STRING_CHARS)
            .maxNameLength(SpecJson.MAX_NAME_CHARS)
            .maxNumberLength(SpecJson.MAX_NUMBER_CHARS)
            .maxDocumentLength(SpecJson.MAX_BYTES)
            .build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Gives up: the mapper must read this document. */
    private static final class Unread extends Exception {
        Unread() {
            super(null, null, false, false);
        }
    }

    private static final Unread UNREAD = new Unread();

    private SpecTree() {
    }

    /** The tree of {@code json}, or null when only the strict mapper can say what it is. */
    static JsonNode read(byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return null;
            }
            JsonNode root = value(p, first);
            return p.nextToken() == null ? root : null;
        } catch (IOException | Unread | RuntimeException e) {
            return null;
        }
    }

    private static JsonNode value(JsonParser p, JsonToken t) throws IOException, Unread {
        switch (t) {
            case START_OBJECT: {
                ObjectNode o = NODES.objectNode();
                for (JsonToken n = p.nextToken(); n == JsonToken.FIELD_NAME; n = p.nextToken()) {
                    String name = p.currentName();
                    if (o.replace(name, value(p, p.nextToken())) != null) {
                        throw UNREAD; // a repeated key (the parser catches it first)
                    }
                }
                return o;
            }
            case START_ARRAY: {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
                    a.add(value(p, n));
                }
                return a;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw UNREAD; // fractional numbers and anything else: the mapper's own rules apply
        }
    }
}
