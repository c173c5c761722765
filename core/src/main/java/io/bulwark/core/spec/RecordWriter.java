package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes spec records as {@link SpecJson#mapper()} writes them (component order, null fields left out, uint64 fields
 * unsigned), with the streaming generator: serializing through data binding introspects every record type first,
 * which costs a cold {@code create} or {@code features} more than the writing. The record shapes are
 * {@link RecordBinder}'s. A value it does not know how to write exactly as Jackson would (a customised record, a
 * type other than String, Long, Integer, Boolean, List, Map with String keys and records) gives null, and the
 * caller writes with the mapper.
 */
final class RecordWriter {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final Map<Class<?>, Method[]> ACCESSORS = new ConcurrentHashMap<>();

    /** Gives up: the mapper must write this value. */
    private static final class Unwritable extends Exception {
        Unwritable() {
            super(null, null, false, false);
        }
    }

    private static final Unwritable UNWRITABLE = new Unwritable();

    private RecordWriter() {
    }

    /** {@code record} as JSON (indented with Jackson's default pretty printer when {@code pretty}), or null. */
    static String write(Record record, boolean pretty) {
        StringWriter out = new StringWriter(4096);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            value(g, record, false);
        } catch (IOException | Unwritable | RuntimeException e) {
            return null;
        }
        return out.toString();
    }

    private static void value(JsonGenerator g, Object v, boolean unsigned) throws IOException, Unwritable {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Long l) {
            if (unsigned && l < 0) {
                g.writeNumber(new BigInteger(Long.toUnsignedString(l)));
            } else {
                g.writeNumber(l.longValue());
            }
        } else if (v instanceof Integer i) {
            g.writeNumber(i.intValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                value(g, item, false);
            }
            g.writeEndArray();
        } else if (v instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw UNWRITABLE;
                }
                g.writeFieldName(key);
                value(g, e.getValue(), false);
            }
            g.writeEndObject();
        } else if (v instanceof Record r) {
            record(g, r);
        } else {
            throw UNWRITABLE;
        }
    }

    private static void record(JsonGenerator g, Record r) throws IOException, Unwritable {
        Class<?> type = r.getClass();
        RecordBinder.Component[] components = RecordBinder.components(type);
        Method[] accessors = ACCESSORS.computeIfAbsent(type, RecordWriter::accessors);
        if (components == null || accessors.length == 0 || accessors.length != components.length) {
            throw UNWRITABLE;
        }
        g.writeStartObject();
        for (int i = 0; i < components.length; i++) {
            Object v;
            try {
                v = accessors[i].invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw UNWRITABLE;
            }
            if (v != null) {
                g.writeFieldName(components[i].name());
                value(g, v, components[i].unsigned());
            }
        }
        g.writeEndObject();
    }

    /**
     * The accessors, or none for a record whose class-level annotations say more than "leave nulls out" or whose
     * components have serializers of their own. The spec's own records are not asked (reading annotations costs a
     * cold JVM a proxy class per annotation type): the spec's tests check that they all qualify.
     */
    private static Method[] accessors(Class<?> type) {
        if (RecordBinder.inSpecPackage(type)) {
            RecordComponent[] rc = type.getRecordComponents();
            Method[] m = new Method[rc.length];
            for (int i = 0; i < rc.length; i++) {
                m[i] = rc[i].getAccessor();
                m[i].setAccessible(true);
            }
            return m;
        }
        return annotatedAccessors(type);
    }

    /** {@link #accessors} from the annotations, whatever the record (for tests, and records of other packages). */
    static Method[] annotatedAccessors(Class<?> type) {
        for (Annotation a : type.getAnnotations()) {
            if (!(a instanceof JsonInclude include && include.value() == JsonInclude.Include.NON_NULL
                    && (include.content() == JsonInclude.Include.ALWAYS
                        || include.content() == JsonInclude.Include.USE_DEFAULTS)
                    && include.valueFilter() == Void.class && include.contentFilter() == Void.class)) {
                return new Method[0];
            }
        }
        RecordComponent[] rc = type.getRecordComponents();
        Method[] m = new Method[rc.length];
        for (int i = 0; i < rc.length; i++) {
            try {
                JsonSerialize custom = type.getDeclaredField(rc[i].getName()).getAnnotation(JsonSerialize.class);
                if (custom != null && custom.using() != UnsignedLongs.Serializer.class) {
                    return new Method[0]; // a serializer of its own: only Jackson knows its output
                }
            } catch (NoSuchFieldException e) {
                return new Method[0];
            }
            m[i] = rc[i].getAccessor();
            m[i].setAccessible(true);
        }
        return m;
    }
}
