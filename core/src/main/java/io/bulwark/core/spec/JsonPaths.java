package io.bulwark.core.spec;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/** JSON paths in the {@code $.a.b[0]['odd.key']} notation that every configuration error names. */
final class JsonPaths {
    static final String ROOT = "$";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private JsonPaths() {
    }

    static String field(String parent, String name) {
        if (PLAIN.matcher(name).matches()) {
            return parent + "." + name;
        }
        return parent + "['" + printable(name).replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The path one level up ({@code $.a.b} for {@code $.a.b[0]} or {@code $.a.b.c}); the root stays the root. */
    static String parent(String path) {
        if (path.endsWith("]")) {
            int open = path.lastIndexOf(path.endsWith("']") ? "['" : "[");
            return open > 0 ? path.substring(0, open) : ROOT;
        }
        int dot = path.lastIndexOf('.');
        return dot > 0 ? path.substring(0, dot) : ROOT;
    }

    /** The path of the parser's current position (the value being read, or the field just named). */
    static String of(JsonStreamContext context) {
        Deque<JsonStreamContext> chain = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        String path = ROOT;
        for (JsonStreamContext c : chain) {
            if (c.inObject()) {
                path = c.getCurrentName() == null ? path : field(path, c.getCurrentName());
            } else if (c.inArray()) {
                path = index(path, Math.max(c.getCurrentIndex(), 0));
            }
        }
        return path;
    }

    /** The path databind recorded while an error travelled out of nested values. */
    static String of(List<JsonMappingException.Reference> references) {
        String path = ROOT;
        for (JsonMappingException.Reference r : references) {
            if (r.getFieldName() != null) {
                path = field(path, r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path = index(path, r.getIndex());
            }
        }
        return path;
    }

    /** Keeps control characters (a NUL in a hostile key) out of messages printed on one line. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char ch = s.charAt(i);
            if (ch < 0x20 || ch == 0x7f) {
                b.append(String.format("\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        if (b.length() >= 200) {
            b.append("...");
        }
        return b.toString();
    }
}
