package io.bulwark.core.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code state.json} and the OCI state document, written and read with Jackson's streaming API. Every command
 * reads or writes one of them, and data binding (an {@code ObjectMapper}, its annotation introspection, its
 * serializer caches) costs a cold JVM far more than the few fields they hold. The output is what data binding
 * wrote: the same field names, nulls left out, the OCI state's field order, Jackson's default pretty printer.
 */
public final class StateJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private StateJson() {
    }

    /** The OCI state as {@code bulwark state} prints it (indented) or as a hook reads it on stdin (one line). */
    public static String oci(OciState state, boolean pretty) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            writeOci(g, state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** {@link #oci(OciState, boolean)} on one line, as UTF-8. */
    public static byte[] ociBytes(OciState state) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeOci(g, state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes the OCI state as one object to a generator (a caller's array or stream). */
    public static void writeOci(JsonGenerator g, OciState s) throws IOException {
        g.writeStartObject();
        string(g, "ociVersion", s.ociVersion());
        string(g, "id", s.id());
        string(g, "status", s.status());
        g.writeNumberField("pid", s.pid());
        string(g, "bundle", s.bundle());
        map(g, "annotations", s.annotations());
        g.writeEndObject();
    }

    static byte[] write(ContainerState s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            string(g, "id", s.id());
            string(g, "bundle", s.bundle());
            string(g, "rootfs", s.rootfs());
            string(g, "backend", s.backend());
            g.writeNumberField("pid", s.pid());
            g.writeNumberField("pidStartTime", s.pidStartTime());
            g.writeBooleanField("started", s.started());
            string(g, "created", s.created());
            string(g, "owner", s.owner());
            string(g, "tenant", s.tenant());
            map(g, "annotations", s.annotations());
            string(g, "cgroupPath", s.cgroupPath());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads a {@code state.json}. Unknown fields are skipped (a newer Bulwark may add some); a field of the wrong
     * JSON type is an error naming the field.
     */
    static ContainerState read(byte[] json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, "the state");
            String id = null;
            String bundle = null;
            String rootfs = null;
            String backend = null;
            int pid = 0;
            long pidStartTime = 0;
            boolean started = false;
            String created = null;
            String owner = null;
            String tenant = null;
            Map<String, String> annotations = null;
            String cgroupPath = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "id" -> id = text(p, t, name);
                    case "bundle" -> bundle = text(p, t, name);
                    case "rootfs" -> rootfs = text(p, t, name);
                    case "backend" -> backend = text(p, t, name);
                    case "pid" -> pid = (int) number(p, t, name, Integer.MIN_VALUE, Integer.MAX_VALUE);
                    case "pidStartTime" -> pidStartTime = number(p, t, name, Long.MIN_VALUE, Long.MAX_VALUE);
                    case "started" -> {
                        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                            throw new JsonParseException(p, "\"started\" must be a boolean");
                        }
                        started = t == JsonToken.VALUE_TRUE;
                    }
                    case "created" -> created = text(p, t, name);
                    case "owner" -> owner = text(p, t, name);
                    case "tenant" -> tenant = text(p, t, name);
                    case "annotations" -> annotations = stringMap(p, t, name);
                    case "cgroupPath" -> cgroupPath = text(p, t, name);
                    default -> p.skipChildren();
                }
            }
            expect(p, p.currentToken(), JsonToken.END_OBJECT, "the state");
            if (p.nextToken() != null) {
                throw new JsonParseException(p, "trailing content after the state object");
            }
            return new ContainerState(id, bundle, rootfs, backend, pid, pidStartTime, started, created, owner,
                tenant, annotations, cgroupPath);
        }
    }

    private static void string(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static void map(JsonGenerator g, String name, Map<String, String> map) throws IOException {
        if (map == null) {
            return;
        }
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> e : map.entrySet()) {
            g.writeFieldName(e.getKey());
            if (e.getValue() == null) {
                g.writeNull();
            } else {
                g.writeString(e.getValue());
            }
        }
        g.writeEndObject();
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken wanted, String what) throws IOException {
        if (actual != wanted) {
            throw new JsonParseException(p, what + ": expected " + wanted.asString() + ", found " + actual);
        }
    }

    private static String text(JsonParser p, JsonToken t, String name) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new JsonParseException(p, "\"" + name + "\" must be a string, found " + t);
        }
        return p.getText();
    }

    private static long number(JsonParser p, JsonToken t, String name, long min, long max) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw new JsonParseException(p, "\"" + name + "\" must be an integer, found " + t);
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new JsonParseException(p, "\"" + name + "\" is out of range");
        }
        long v = p.getLongValue();
        if (v < min || v > max) {
            throw new JsonParseException(p, "\"" + name + "\" is out of range");
        }
        return v;
    }

    private static Map<String, String> stringMap(JsonParser p, JsonToken t, String name) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new JsonParseException(p, "\"" + name + "\" must be an object, found " + t);
        }
        Map<String, String> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            m.put(key, text(p, p.nextToken(), name + "." + key));
        }
        return m;
    }
}
