package io.bulwark.policies.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.bulwark.policies.model.Policy;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The JSON Schema kept in the repository describes exactly the fields the parser accepts. */
class PolicySchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSchemaNamesEveryFieldOfTheModelAndNoOther() throws Exception {
        JsonNode schema;
        try (InputStream in = Policy.class.getResourceAsStream("/io/bulwark/policies/policy.schema.json")) {
            schema = JSON.readTree(in);
        }
        assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
        check(Policy.class, schema, schema, "$");
    }

    private static JsonNode resolve(JsonNode root, JsonNode node) {
        while (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            node = root.at(ref.substring(1));
        }
        return node;
    }

    private static void check(Class<?> type, JsonNode root, JsonNode node, String path) {
        JsonNode object = resolve(root, node);
        assertEquals("object", object.path("type").asText(), path + " is not an object in the schema");
        assertTrue(object.path("additionalProperties").isBoolean() && !object.get("additionalProperties").asBoolean(),
            path + " must forbid additional properties, as the parser does");
        BeanDescription bean = PolicyParser.mapper().getDeserializationConfig()
            .introspect(PolicyParser.mapper().constructType(type));
        Set<String> modelNames = new TreeSet<>();
        for (BeanPropertyDefinition p : bean.findProperties()) {
            modelNames.add(p.getName());
        }
        Set<String> schemaNames = new TreeSet<>();
        object.get("properties").fieldNames().forEachRemaining(schemaNames::add);
        assertEquals(modelNames, schemaNames, "fields of " + path);
        for (RecordComponent c : type.getRecordComponents()) {
            String name = bean.findProperties().stream().filter(p -> p.getInternalName().equals(c.getName()))
                .findFirst().orElseThrow().getName();
            JsonNode child = resolve(root, object.get("properties").get(name));
            Class<?> childType = c.getType();
            Type generic = c.getGenericType();
            if (generic instanceof ParameterizedType pt && java.util.List.class.isAssignableFrom(childType)) {
                assertEquals("array", child.path("type").asText(), path + "." + name + " must be an array");
                Type item = pt.getActualTypeArguments()[0];
                if (item instanceof Class<?> itemClass && itemClass.isRecord()) {
                    check(itemClass, root, child.get("items"), path + "." + name + "[]");
                }
            } else if (childType.isRecord() && childType.getPackageName().equals(Policy.class.getPackageName())
                && !childType.getSimpleName().equals("ByteSize")) {
                check(childType, root, child, path + "." + name);
            } else if (childType.isEnum()) {
                Set<String> values = new TreeSet<>();
                for (Object constant : childType.getEnumConstants()) {
                    values.add(JSON.valueToTree(constant).asText());
                }
                Set<String> schemaValues = new TreeSet<>();
                child.get("enum").forEach(v -> schemaValues.add(v.asText()));
                assertEquals(values, schemaValues, "values of " + path + "." + name);
            }
        }
    }
}
