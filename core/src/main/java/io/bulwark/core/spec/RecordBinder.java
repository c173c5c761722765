package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds a parsed configuration tree to the spec records directly, for a configuration that is well formed: the
 * common case, and the one a command line pays for on every cold start. Jackson's data binding introspects every
 * record type before it binds the first one, which costs a fresh JVM a few hundred milliseconds; this reads each
 * record's components once, and nothing else.
 *
 * <p>It never decides what is wrong with a configuration: at the first value it would not bind exactly as
 * Jackson does under {@link SpecJson#mapper()}'s strict rules (a value of another JSON type, a number out of range, a
 * null inside an array or map, a record constructor that throws, a type it does not know), it gives up and returns
 * null, and the caller binds with Jackson, whose errors name the path and the problem. So a configuration either
 * binds to the same records as with Jackson or gets Jackson's error.
 */
final class RecordBinder {
    /** Gives up on the fast path. */
    private static final class Unbound extends Exception {
        Unbound() {
            super(null, null, false, false);
        }
    }

    private static final Unbound UNBOUND = new Unbound();

    record Component(String name, Type type, boolean unsigned) {
    }

    private record Shape(Component[] components, Constructor<?> constructor, Map<String, Type> properties) {
        Shape(Component[] components, Constructor<?> constructor) {
            this(components, constructor, properties(components, constructor));
        }

        private static Map<String, Type> properties(Component[] components, Constructor<?> constructor) {
            if (constructor == null) {
                return null;
            }
            Map<String, Type> m = new java.util.HashMap<>();
            for (Component c : components) {
                m.put(c.name(), c.type());
            }
            return m;
        }
    }

    private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

    private RecordBinder() {
    }

    /** The records {@code tree} binds to, or null when only Jackson can say (an error, or something unusual). */
    static <T extends Record> T bind(JsonNode tree, Class<T> type) {
        try {
            return type.cast(value(tree, type, false));
        } catch (Unbound e) {
            return null;
        }
    }

    /**
     * JSON property name to Java type of a record's components, from the same reflection the binding uses, or
     * null for a record only Jackson binds.
     */
    static Map<String, Type> properties(Class<?> record) {
        return SHAPES.computeIfAbsent(record, RecordBinder::shape).properties();
    }

    /** The components of a record as the binder reads them (JSON name, type, uint64), or null when only Jackson can. */
    static Component[] components(Class<?> record) {
        Shape shape = SHAPES.computeIfAbsent(record, RecordBinder::shape);
        return shape.constructor() == null ? null : shape.components();
    }

    private static Object value(JsonNode node, Type type, boolean unsigned) throws Unbound {
        if (node == null || node.isNull()) {
            return null;
        }
        if (type == String.class) {
            if (!node.isTextual()) {
                throw UNBOUND;
            }
            return node.textValue();
        }
        if (type == Long.class) {
            if (!node.isIntegralNumber()) {
                throw UNBOUND;
            }
            if (unsigned) {
                BigInteger v = node.bigIntegerValue();
                if (v.signum() < 0 || v.bitLength() > 64) {
                    throw UNBOUND;
                }
                return v.longValue();
            }
            if (!node.canConvertToLong()) {
                throw UNBOUND;
            }
            return node.longValue();
        }
        if (type == Integer.class) {
            if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                throw UNBOUND;
            }
            return node.intValue();
        }
        if (type == Boolean.class) {
            if (!node.isBoolean()) {
                throw UNBOUND;
            }
            return node.booleanValue();
        }
        if (type instanceof Class<?> c && c.isRecord()) {
            return record(node, c);
        }
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            if (!node.isArray()) {
                throw UNBOUND;
            }
            Type element = p.getActualTypeArguments()[0];
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode item : node) {
                if (item.isNull()) {
                    throw UNBOUND; // content nulls fail under the strict rules
                }
                list.add(value(item, element, false));
            }
            return list;
        }
        if (type instanceof ParameterizedType p && p.getRawType() == Map.class
                && p.getActualTypeArguments()[0] == String.class) {
            if (!node.isObject()) {
                throw UNBOUND;
            }
            Type values = p.getActualTypeArguments()[1];
            Map<String, Object> map = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNull()) {
                    throw UNBOUND;
                }
                map.put(e.getKey(), value(e.getValue(), values, false));
            }
            return map;
        }
        throw UNBOUND;
    }

    private static Object record(JsonNode node, Class<?> type) throws Unbound {
        if (!node.isObject()) {
            throw UNBOUND;
        }
        Shape shape = SHAPES.computeIfAbsent(type, RecordBinder::shape);
        if (shape.constructor() == null) {
            throw UNBOUND;
        }
        Component[] components = shape.components();
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Component c = components[i];
            args[i] = value(node.get(c.name()), c.type(), c.unsigned());
        }
        try {
            return shape.constructor().newInstance(args);
        } catch (InvocationTargetException | InstantiationException | IllegalAccessException
                 | IllegalArgumentException e) {
            throw UNBOUND; // Jackson reports what the constructor refused
        }
    }

    /*
     * The spec's customised components: uint64 fields and JSON names that are Java keywords. The spec's own records
     * take their shapes from these tables instead of reading their annotations, because a fresh JVM's first
     * annotation read parses them and spins a proxy class per annotation type, which costs a cold command more than
     * the binding. The spec's tests check, for every record a configuration or the features document reaches, that
     * the tables give the shapes the annotations give.
     */
    static final java.util.Set<String> SPEC_UNSIGNED = java.util.Set.of(
        "Rlimit.soft", "Rlimit.hard", "SeccompArg.value", "SeccompArg.valueTwo");
    static final Map<String, String> SPEC_RENAMED = Map.of(
        "IoPriority.klass", "class", "ExecCpuAffinity.finalAffinity", "final");

    private static Shape shape(Class<?> type) {
        return inSpecPackage(type) ? declaredShape(type) : annotatedShape(type);
    }

    /** A record of this package (nested ones included), whose shape the tables above describe. */
    static boolean inSpecPackage(Class<?> type) {
        return type.getPackageName().equals(RecordBinder.class.getPackageName());
    }

    private static Shape declaredShape(Class<?> type) {
        RecordComponent[] rc = type.getRecordComponents();
        Component[] components = new Component[rc.length];
        Class<?>[] raw = new Class<?>[rc.length];
        String prefix = type.getName().substring(type.getPackageName().length() + 1).replace('$', '.') + ".";
        try {
            for (int i = 0; i < rc.length; i++) {
                String key = prefix + rc[i].getName();
                components[i] = new Component(SPEC_RENAMED.getOrDefault(key, rc[i].getName()),
                    rc[i].getGenericType(), SPEC_UNSIGNED.contains(key));
                raw[i] = rc[i].getType();
            }
            Constructor<?> constructor = type.getDeclaredConstructor(raw);
            constructor.setAccessible(true);
            return new Shape(components, constructor);
        } catch (NoSuchMethodException | RuntimeException e) {
            return new Shape(components, null);
        }
    }

    /** The components as their annotations describe them, or null for a record only Jackson binds (for tests). */
    static Component[] annotatedComponents(Class<?> record) {
        Shape shape = annotatedShape(record);
        return shape.constructor() == null ? null : shape.components();
    }

    private static Shape annotatedShape(Class<?> type) {
        RecordComponent[] rc = type.getRecordComponents();
        Component[] components = new Component[rc.length];
        Class<?>[] raw = new Class<?>[rc.length];
        try {
            for (int i = 0; i < rc.length; i++) {
                // Jackson's annotations on a component land on its field (their targets exclude components)
                Field field = type.getDeclaredField(rc[i].getName());
                JsonDeserialize custom = field.getAnnotation(JsonDeserialize.class);
                boolean unsigned = custom != null && custom.using() == UnsignedLongs.Deserializer.class;
                JsonProperty renamed = field.getAnnotation(JsonProperty.class);
                boolean plainRename = renamed != null && !renamed.value().isEmpty() && !renamed.required()
                    && renamed.access() == JsonProperty.Access.AUTO && renamed.defaultValue().isEmpty()
                    && renamed.index() == JsonProperty.INDEX_UNKNOWN;
                int expected = (unsigned ? 1 : 0) + (field.getAnnotation(JsonSerialize.class) != null ? 1 : 0)
                    + (plainRename ? 1 : 0);
                if (custom != null && !unsigned || field.getAnnotations().length != expected
                        || rc[i].getAccessor().getAnnotations().length != expected) {
                    // an otherwise customised component: only Jackson knows what it means
                    return new Shape(components, null);
                }
                String name = plainRename ? renamed.value() : rc[i].getName();
                components[i] = new Component(name, rc[i].getGenericType(), unsigned);
                raw[i] = rc[i].getType();
            }
            Constructor<?> constructor = type.getDeclaredConstructor(raw);
            constructor.setAccessible(true);
            return new Shape(components, constructor);
        } catch (NoSuchMethodException | NoSuchFieldException | RuntimeException e) {
            return new Shape(components, null);
        }
    }
}
