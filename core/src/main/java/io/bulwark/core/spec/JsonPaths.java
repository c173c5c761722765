package io.bulwark.core.spec;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * JSON paths in the {@code $.a.b[0]['odd.key']} notation that every error about a file Bulwark reads names
 * (configs, policies, runtime configuration, seccomp profiles).
 */
public final class JsonPaths {
    public static final String ROOT = "$";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Longest key shown whole; a longer one (only a hostile file has one) is shown by its two ends. */
    static final int MAX_KEY = 200;

    private JsonPaths() {
    }

    public static String field(String parent, String name) {
        if (name.length() <= MAX_KEY && PLAIN.matcher(name).matches()) {
            return parent + "." + name;
        }
        String shown = name.length() <= MAX_KEY ? name
            : name.substring(0, MAX_KEY / 2) + "...(" + (name.length() - MAX_KEY * 3 / 4) + " more)..."
                + name.substring(name.length() - MAX_KEY / 4);
        return parent + "['" + printable(shown).replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    public static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The path one level up ({@code $.a.b} for {@code $.a.b[0]} or {@code $.a.b.c}); the root stays the root. */
    public static String parent(String path) {
        if (path.endsWith("]")) {
            int open = path.lastIndexOf(path.endsWith("']") ? "['" : "[");
            return open > 0 ? path.substring(0, open) : ROOT;
        }
        int dot = path.lastIndexOf('.');
        return dot > 0 ? path.substring(0, dot) : ROOT;
    }

    /** The path of the parser's current position (the value being read, or the field just named). */
    public static String of(JsonStreamContext context) {
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
    public static String of(List<JsonMappingException.Reference> references) {
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

    /** Keeps control characters (a NUL in a hostile key) and very long strings out of one-line messages. */
    public static String printable(String s) {
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
