package io.bulwark.core.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The spec's records take their binding and writing shapes from {@link RecordBinder#SPEC_UNSIGNED} and
 * {@link RecordBinder#SPEC_RENAMED} instead of their
 * annotations (a cold start saves the annotation parsing): for every record a configuration or the features
 * document reaches, the list must describe exactly what the annotations say, and no record may carry an annotation
 * the fast binder and writer would not honour.
 */
class SpecShapesTest {
    private static Set<Class<?>> reachableRecords() {
        Set<Class<?>> seen = new LinkedHashSet<>();
        Deque<Type> todo = new ArrayDeque<>();
        todo.add(Spec.class);
        todo.add(Features.class);
        while (!todo.isEmpty()) {
            Type t = todo.pop();
            if (t instanceof ParameterizedType p) {
                for (Type a : p.getActualTypeArguments()) {
                    todo.add(a);
                }
            } else if (t instanceof Class<?> c && c.isRecord() && seen.add(c)) {
                for (RecordComponent rc : c.getRecordComponents()) {
                    todo.add(rc.getGenericType());
                }
            }
        }
        return seen;
    }

    @Test
    void theDeclaredShapesAreTheAnnotatedOnes() {
        Set<Class<?>> records = reachableRecords();
        assertTrue(records.size() > 30, "walked " + records);
        Set<String> unsigned = new LinkedHashSet<>();
        java.util.Map<String, String> renamed = new java.util.HashMap<>();
        for (Class<?> record : records) {
            assertTrue(RecordBinder.inSpecPackage(record), record + " is outside the spec package");
            RecordBinder.Component[] annotated = RecordBinder.annotatedComponents(record);
            assertNotNull(annotated, record + " has annotations only Jackson honours");
            assertArrayEquals(annotated, RecordBinder.components(record), record.getName());
            assertEquals(record.getRecordComponents().length, RecordWriter.annotatedAccessors(record).length,
                record + " has class or component annotations the record writer does not honour");
            RecordComponent[] rc = record.getRecordComponents();
            for (int i = 0; i < rc.length; i++) {
                String key = record.getSimpleName() + "." + rc[i].getName();
                if (annotated[i].unsigned()) {
                    unsigned.add(key);
                }
                if (!annotated[i].name().equals(rc[i].getName())) {
                    renamed.put(key, annotated[i].name());
                }
            }
        }
        assertEquals(RecordBinder.SPEC_UNSIGNED, unsigned);
        assertEquals(RecordBinder.SPEC_RENAMED, renamed);
    }
}
