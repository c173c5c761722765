package io.bulwark.fuzz.json;

import io.bulwark.fuzz.support.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Mutations of a valid document: each keeps most of it intact so that the input gets deep into the code under
 * test before something is wrong. Tree mutations (dropped field, wrong type, huge number, deep nesting, long or
 * hostile string, duplicate key, unknown field, emptied or grown array) and byte mutations (cut short, flipped,
 * inserted, invalid UTF-8).
 */
public final class JsonMutator {
    private final JsonGen gen;

    public JsonMutator(JsonGen gen) {
        this.gen = gen;
    }

    /** A location in a tree: the indexes of members or items from the root down. */
    private record Location(List<Integer> steps, Json node) {
    }

    /** One to {@code max} tree mutations of {@code doc}. */
    public Json mutate(Json doc, int max) {
        Json out = doc;
        int n = 1 + gen.below(max);
        for (int i = 0; i < n; i++) {
            out = mutateOnce(out);
        }
        return out;
    }

    public Json mutateOnce(Json doc) {
        List<Location> all = new ArrayList<>();
        collect(doc, new ArrayList<>(), all);
        Location at = gen.pick(all);
        return replace(doc, at.steps(), 0, node -> mutateNode(node));
    }

    private Json mutateNode(Json node) {
        switch (gen.below(12)) {
            case 0: // drop: a member or item of this node, or the node becomes null
                if (node instanceof Json.Obj o && !o.members().isEmpty()) {
                    List<Json.Member> m = new ArrayList<>(o.members());
                    m.remove(gen.below(m.size()));
                    return new Json.Obj(m);
                }
                if (node instanceof Json.Arr a && !a.items().isEmpty()) {
                    List<Json> items = new ArrayList<>(a.items());
                    items.remove(gen.below(items.size()));
                    return new Json.Arr(items);
                }
                return Json.NULL;
            case 1: // wrong type
                return wrongType(node);
            case 2:
                return gen.number();
            case 3:
                return gen.deep(gen.deepDepth());
            case 4:
                return new Json.Str(gen.longString());
            case 5:
                return new Json.Str(gen.string());
            case 6: // duplicate key
                if (node instanceof Json.Obj o && !o.members().isEmpty()) {
                    List<Json.Member> m = new ArrayList<>(o.members());
                    Json.Member copy = gen.pick(m);
                    m.add(gen.below(m.size() + 1),
                        new Json.Member(copy.name(), gen.chance(50) ? copy.value() : gen.value(2)));
                    return new Json.Obj(m);
                }
                return gen.value(2);
            case 7: // unknown or known-but-misplaced field
                if (node instanceof Json.Obj o) {
                    List<Json.Member> m = new ArrayList<>(o.members());
                    m.add(gen.below(m.size() + 1), new Json.Member(gen.key(), gen.value(3)));
                    return new Json.Obj(m);
                }
                return gen.value(3);
            case 8: // grow an array with copies of its items or fresh values
                if (node instanceof Json.Arr a) {
                    List<Json> items = new ArrayList<>(a.items());
                    int add = gen.chance(10) ? 2_000 + gen.below(8_000) : 1 + gen.below(20);
                    for (int i = 0; i < add; i++) {
                        items.add(!items.isEmpty() && gen.chance(70) ? gen.pick(items) : gen.value(1));
                    }
                    return new Json.Arr(items);
                }
                return new Json.Arr(List.of(node));
            case 9:
                if (node instanceof Json.Arr) {
                    return new Json.Arr(List.of());
                }
                if (node instanceof Json.Obj) {
                    return new Json.Obj(List.of());
                }
                return Json.NULL;
            case 10: // a hostile variant of a string
                if (node instanceof Json.Str s) {
                    return new Json.Str(hostile(s.value()));
                }
                return gen.value(2);
            default:
                return gen.value(3);
        }
    }

    private String hostile(String s) {
        switch (gen.below(6)) {
            case 0:
                return s + "\u0000";
            case 1:
                return "\u0000" + s;
            case 2:
                return s + "/../../..";
            case 3:
                return s.isEmpty() ? "\ud800" : s.substring(0, gen.below(s.length())) + gen.unicode(1 + gen.below(4));
            case 4:
                return s.toUpperCase(java.util.Locale.ROOT).equals(s) ? s.toLowerCase(java.util.Locale.ROOT)
                    : s.toUpperCase(java.util.Locale.ROOT);
            default:
                return s + s;
        }
    }

    private Json wrongType(Json node) {
        List<Json> options = new ArrayList<>();
        if (!(node instanceof Json.Str)) {
            options.add(new Json.Str(node instanceof Json.Num n ? n.literal() : gen.string()));
        }
        if (!(node instanceof Json.Num)) {
            options.add(gen.number());
        }
        if (!(node instanceof Json.Bool)) {
            options.add(new Json.Bool(gen.random().nextBoolean()));
        }
        if (!(node instanceof Json.Arr)) {
            options.add(new Json.Arr(List.of(node)));
        }
        if (!(node instanceof Json.Obj)) {
            options.add(Json.obj(Json.member("value", node)));
        }
        options.add(Json.NULL);
        return gen.pick(options);
    }

    private static void collect(Json node, List<Integer> steps, List<Location> out) {
        out.add(new Location(List.copyOf(steps), node));
        if (node instanceof Json.Obj o) {
            for (int i = 0; i < o.members().size(); i++) {
                steps.add(i);
                collect(o.members().get(i).value(), steps, out);
                steps.remove(steps.size() - 1);
            }
        } else if (node instanceof Json.Arr a) {
            for (int i = 0; i < a.items().size(); i++) {
                steps.add(i);
                collect(a.items().get(i), steps, out);
                steps.remove(steps.size() - 1);
            }
        }
    }

    private static Json replace(Json node, List<Integer> steps, int depth, UnaryOperator<Json> change) {
        if (depth == steps.size()) {
            return change.apply(node);
        }
        int i = steps.get(depth);
        if (node instanceof Json.Obj o) {
            List<Json.Member> m = new ArrayList<>(o.members());
            Json.Member old = m.get(i);
            m.set(i, new Json.Member(old.name(), replace(old.value(), steps, depth + 1, change)));
            return new Json.Obj(m);
        }
        Json.Arr a = (Json.Arr) node;
        List<Json> items = new ArrayList<>(a.items());
        items.set(i, replace(items.get(i), steps, depth + 1, change));
        return new Json.Arr(items);
    }

    /** Byte-level damage: cut short, bytes flipped, inserted or removed, invalid UTF-8, BOM, trailing garbage. */
    public byte[] damage(byte[] doc) {
        byte[] out = doc;
        int n = 1 + gen.below(3);
        for (int k = 0; k < n; k++) {
            out = damageOnce(out);
        }
        return out;
    }

    private byte[] damageOnce(byte[] in) {
        int len = in.length;
        int at = len == 0 ? 0 : gen.below(len);
        switch (gen.below(8)) {
            case 0:
                return java.util.Arrays.copyOf(in, at);
            case 1: {
                byte[] out = in.clone();
                if (len > 0) {
                    out[at] ^= (byte) (1 << gen.below(8));
                }
                return out;
            }
            case 2:
                return Bytes.splice(in, at, at, randomBytes(1 + gen.below(8)));
            case 3:
                return Bytes.splice(in, at, Math.min(len, at + 1 + gen.below(16)), new byte[0]);
            case 4:
                return Bytes.splice(in, at, at, gen.pick(List.of(new byte[] {(byte) 0xc0, (byte) 0x80},
                    new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xff},
                    new byte[] {(byte) 0xf4, (byte) 0x90, 0, 0}, new byte[] {0}, new byte[] {(byte) 0xe2, (byte) 0x82})));
            case 5:
                return Bytes.splice(in, 0, 0, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
            case 6:
                return Bytes.splice(in, len, len, gen.pick(List.of("{}", " x", "]", ",", "\u0000", "//c", "/*"))
                    .getBytes(StandardCharsets.UTF_8));
            default: {
                int from = at;
                int to = Math.min(len, from + 1 + gen.below(64));
                byte[] copy = java.util.Arrays.copyOfRange(in, from, to);
                return Bytes.splice(in, to, to, copy);
            }
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        gen.random().nextBytes(b);
        return b;
    }
}
