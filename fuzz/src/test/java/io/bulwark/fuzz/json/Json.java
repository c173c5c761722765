package io.bulwark.fuzz.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A JSON document as the fuzzers see it: unlike a Jackson tree it can hold duplicate keys, number literals of any
 * length, lone surrogates in strings and raw text spliced in (for nesting far deeper than a tree should be built).
 */
public sealed interface Json {

    record Obj(List<Member> members) implements Json {
        public Obj {
            members = List.copyOf(members);
        }
    }

    record Member(String name, Json value) {
    }

    record Arr(List<Json> items) implements Json {
        public Arr {
            items = List.copyOf(items);
        }
    }

    record Str(String value) implements Json {
    }

    /** A number exactly as written, e.g. {@code 1e400} or a 100-digit integer. */
    record Num(String literal) implements Json {
    }

    record Bool(boolean value) implements Json {
    }

    record Null() implements Json {
    }

    /** Text put into the document as it is. */
    record Raw(String text) implements Json {
    }

    Null NULL = new Null();

    static Obj obj(Member... members) {
        return new Obj(List.of(members));
    }

    static Member member(String name, Json value) {
        return new Member(name, value);
    }

    /** Longest document the generators make (twice the largest config Bulwark reads). */
    int MAX_CHARS = 8 << 20;

    /** Thrown when a document grows past {@link #MAX_CHARS}: the generator then makes another one. */
    final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("generated document larger than " + MAX_CHARS + " characters", null, false, false);
        }
    }

    default String render() {
        StringBuilder out = new StringBuilder();
        render(this, out);
        return out.toString();
    }

    default byte[] bytes() {
        return render().getBytes(StandardCharsets.UTF_8);
    }

    private static void render(Json json, StringBuilder out) {
        if (out.length() > MAX_CHARS) {
            throw new TooLarge();
        }
        if (json instanceof Obj o) {
            out.append('{');
            for (int i = 0; i < o.members().size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                quote(o.members().get(i).name(), out);
                out.append(':');
                render(o.members().get(i).value(), out);
            }
            out.append('}');
        } else if (json instanceof Arr a) {
            out.append('[');
            for (int i = 0; i < a.items().size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                render(a.items().get(i), out);
            }
            out.append(']');
        } else if (json instanceof Str s) {
            quote(s.value(), out);
        } else if (json instanceof Num n) {
            out.append(n.literal());
        } else if (json instanceof Bool b) {
            out.append(b.value());
        } else if (json instanceof Raw r) {
            out.append(r.text());
        } else {
            out.append("null");
        }
    }

    /** JSON string syntax; lone surrogates (not encodable in UTF-8) are written as escapes. */
    static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
            if ((i & 0xffff) == 0 && out.length() > MAX_CHARS) {
                throw new TooLarge();
            }
            if (pairedHigh) {
                out.append(c).append(s.charAt(++i));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /** The same document as a Jackson tree. */
    static Json of(JsonNode node) {
        if (node.isObject()) {
            List<Member> members = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                members.add(new Member(e.getKey(), of(e.getValue())));
            }
            return new Obj(members);
        }
        if (node.isArray()) {
            List<Json> items = new ArrayList<>();
            node.forEach(n -> items.add(of(n)));
            return new Arr(items);
        }
        if (node.isTextual()) {
            return new Str(node.textValue());
        }
        if (node.isNumber()) {
            return new Num(node.asText());
        }
        if (node.isBoolean()) {
            return new Bool(node.booleanValue());
        }
        return NULL;
    }
}
