package io.bulwark.fuzz.json;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Documents shaped like a Java model (records, lists, maps, enums, scalars, read the way Jackson binds them):
 * mostly the right JSON types with random values, and now and then a wrong type, a missing or an unknown field.
 * Inputs shaped like this pass the parser's type checks and reach the validator and the code behind it.
 */
public final class TypedGen {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    private final JsonGen gen;
    private final int wrongPercent;

    /** {@code wrongPercent}: how often a value is replaced by one of any type. */
    public TypedGen(JsonGen gen, int wrongPercent) {
        this.gen = gen;
        this.wrongPercent = wrongPercent;
    }

    public Json generate(Type type) {
        return generate(type, 0);
    }

    private Json generate(Type type, int depth) {
        if (gen.chance(wrongPercent)) {
            return gen.value(2);
        }
        Class<?> raw = rawClass(type);
        if (raw == String.class) {
            return new Json.Str(gen.chance(70) ? gen.pick(JsonGen.EDGE_STRINGS) : gen.string());
        }
        if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class
                || raw == Short.class || raw == short.class || raw == java.math.BigInteger.class) {
            return gen.chance(60) ? new Json.Num(Integer.toString(gen.below(gen.chance(50) ? 10 : 70_000)))
                : gen.number();
        }
        if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class) {
            return gen.number();
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return new Json.Bool(gen.random().nextBoolean());
        }
        if (raw.isEnum()) {
            Object[] constants = raw.getEnumConstants();
            try {
                return Json.of(PLAIN.valueToTree(constants[gen.below(constants.length)]));
            } catch (IllegalArgumentException e) {
                return new Json.Str(((Enum<?>) constants[gen.below(constants.length)]).name());
            }
        }
        if (depth > 8) {
            return Json.NULL;
        }
        if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            Type element = raw.isArray() ? raw.getComponentType() : typeArgument(type, 0);
            int n = gen.below(gen.chance(10) ? 40 : 4);
            List<Json> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                items.add(generate(element, depth + 1));
            }
            return new Json.Arr(items);
        }
        if (Map.class.isAssignableFrom(raw)) {
            Type value = typeArgument(type, 1);
            int n = gen.below(5);
            List<Json.Member> members = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                members.add(new Json.Member(gen.chance(50) ? gen.pick(JsonGen.EDGE_STRINGS) : gen.ascii(1 + gen.below(12)),
                    generate(value, depth + 1)));
            }
            return new Json.Obj(members);
        }
        if (raw.isRecord()) {
            List<Json.Member> members = new ArrayList<>();
            for (RecordComponent c : raw.getRecordComponents()) {
                if (gen.chance(depth == 0 ? 85 : 60)) {
                    members.add(new Json.Member(jsonName(c), generate(c.getGenericType(), depth + 1)));
                }
            }
            if (gen.chance(5)) {
                members.add(gen.below(members.size() + 1), new Json.Member(gen.key(), gen.value(2)));
            }
            return new Json.Obj(members);
        }
        return gen.value(3);
    }

    /** The JSON name Jackson binds a record component to. */
    public static String jsonName(RecordComponent c) {
        JsonProperty p = c.getAnnotation(JsonProperty.class);
        if (p == null) {
            Method accessor = c.getAccessor();
            p = accessor.getAnnotation(JsonProperty.class);
        }
        if (p == null) {
            try {
                p = c.getDeclaringRecord().getDeclaredField(c.getName()).getAnnotation(JsonProperty.class);
            } catch (NoSuchFieldException e) {
                p = null;
            }
        }
        return p != null && !p.value().isEmpty() ? p.value() : c.getName();
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            return p.getActualTypeArguments()[index];
        }
        return Object.class;
    }
}
