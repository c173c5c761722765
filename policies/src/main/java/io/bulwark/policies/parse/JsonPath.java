package io.bulwark.policies.parse;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.List;
import java.util.regex.Pattern;

/** Builds JSON paths in the {@code $.a.b[0]['odd key']} notation that every Bulwark file error uses. */
public final class JsonPath {
    public static final String ROOT = "$";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_$][A-Za-z0-9_]*");

    private JsonPath() {
    }

    /** Longest key shown whole; a longer one (only a hostile file has one) is shown by its two ends. */
    static final int MAX_KEY = 200;

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

    /** The path of a streaming parser's position (for syntax errors such as a duplicate key). */
    public static String of(com.fasterxml.jackson.core.JsonStreamContext context) {
        java.util.Deque<com.fasterxml.jackson.core.JsonStreamContext> chain = new java.util.ArrayDeque<>();
        for (var c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        String path = ROOT;
        for (var c : chain) {
            if (c.inObject() && c.getCurrentName() != null) {
                path = field(path, c.getCurrentName());
            } else if (c.inArray()) {
                path = index(path, Math.max(c.getCurrentIndex(), 0));
            }
        }
        return path;
    }

    /** Keeps control characters and very long strings out of one-line messages. */
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
