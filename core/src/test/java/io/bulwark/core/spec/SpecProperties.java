package io.bulwark.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile and random input: the parser and validator either accept a config or refuse it with a
 * {@link SpecException} that names a JSON path; never another exception, never a hang. Valid configs survive a
 * write/parse round trip unchanged.
 */
class SpecProperties {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Runs a load and checks its only possible outcomes. */
    private static void loadsOrRefusesCleanly(String json) {
        assertTimeoutPreemptively(BOUND, () -> {
            try {
                Spec spec = SpecParser.load(json, "config.json");
                assertTrue(spec.ociVersion() != null && spec.root() != null);
            } catch (SpecException e) {
                assertFalse(e.problems().isEmpty());
                for (SpecProblem p : e.problems()) {
                    assertEquals("config.json", p.file());
                    assertTrue(p.path().startsWith("$"), p::toString);
                }
                assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
            }
        });
    }

    @Property(tries = 1500, seed = "20261127")
    void arbitraryJsonIsAcceptedOrRefusedWithAPath(@ForAll("jsonDocuments") String json) {
        loadsOrRefusesCleanly(json);
    }

    @Property(tries = 2000, seed = "20261127")
    void mutatedValidConfigsAreAcceptedOrRefusedWithAPath(@ForAll("mutations") String json) {
        loadsOrRefusesCleanly(json);
    }

    @Property(tries = 500, seed = "20261127")
    void arbitraryBytesAreAcceptedOrRefusedWithAPath(@ForAll byte[] bytes) {
        assertTimeoutPreemptively(BOUND, () -> {
            try {
                SpecParser.parse(bytes, "config.json");
            } catch (SpecException e) {
                assertTrue(e.problems().get(0).path().startsWith("$"));
            }
        });
    }

    @Property(tries = 500, seed = "20261127")
    void validConfigsRoundTrip(@ForAll("validSpecs") Spec spec) {
        assertEquals(List.of(), SpecValidator.problems(spec, "generated"), () -> SpecWriter.toJson(spec));
        String json = SpecWriter.toJson(spec);
        Spec again = SpecParser.load(json, "config.json");
        assertEquals(spec, again);
        assertEquals(json, SpecWriter.toJson(again));
    }

    // ---- arbitrary JSON ----

    @Provide
    Arbitrary<String> jsonDocuments() {
        return Arbitraries.oneOf(json(4).map(JsonNode::toString),
            json(4).map(JsonNode::toString).map(s -> s.substring(0, s.length() / 2)),
            objectWithSpecKeys());
    }

    private Arbitrary<JsonNode> json(int depth) {
        Arbitrary<JsonNode> scalars = Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(20).map(NODES::textNode),
            Arbitraries.longs().map(NODES::numberNode),
            Arbitraries.bigIntegers().between(BigInteger.TWO.pow(63).negate(), BigInteger.TWO.pow(70))
                .map(NODES::numberNode),
            Arbitraries.doubles().map(NODES::numberNode),
            Arbitraries.of(true, false).map(NODES::booleanNode),
            Arbitraries.just(NODES.nullNode()));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<JsonNode> arrays = json(depth - 1).list().ofMaxSize(4).map(items -> {
            ArrayNode a = NODES.arrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> objects = Combinators.combine(keys().list().ofMaxSize(4), json(depth - 1).list()
            .ofSize(4)).as((names, values) -> {
                ObjectNode o = NODES.objectNode();
                for (int n = 0; n < names.size(); n++) {
                    o.set(names.get(n), values.get(n));
                }
                return o;
            });
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, scalars), net.jqwik.api.Tuple.of(1, arrays), net.jqwik.api.Tuple.of(2, objects));
    }

    private static final List<String> SPEC_KEYS = List.of("ociVersion", "root", "path", "readonly", "process",
        "args", "cwd", "env", "user", "uid", "gid", "rlimits", "type", "soft", "hard", "capabilities", "bounding",
        "linux", "namespaces", "uidMappings", "gidMappings", "containerID", "hostID", "size", "mounts",
        "destination", "source", "options", "hooks", "prestart", "hostname", "sysctl", "seccomp", "defaultAction",
        "syscalls", "names", "action", "args", "annotations", "devices", "resources", "maskedPaths");

    private Arbitrary<String> keys() {
        return Arbitraries.oneOf(Arbitraries.of(SPEC_KEYS), Arbitraries.strings().ofMaxLength(8));
    }

    /** Objects whose keys are the spec's, so the binder is exercised deeply rather than skipping everything. */
    private Arbitrary<String> objectWithSpecKeys() {
        return json(3).map(node -> {
            ObjectNode top = NODES.objectNode();
            top.put("ociVersion", "1.2.0");
            top.set("root", NODES.objectNode().put("path", "rootfs"));
            for (String key : List.of("process", "linux", "mounts", "hooks", "annotations")) {
                top.set(key, node);
            }
            return top.toString();
        });
    }

    // ---- mutations of a valid config ----

    @Provide
    Arbitrary<String> mutations() {
        return Arbitraries.longs().map(seed -> mutate(new Random(seed)));
    }

    private static String mutate(Random random) {
        JsonNode config;
        try {
            config = SpecJson.mapper().readTree(SpecFixtures.fullConfig());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            List<JsonNode> containers = new ArrayList<>();
            collect(config, containers);
            JsonNode target = containers.get(random.nextInt(containers.size()));
            mutateOne(target, random);
        }
        String text = config.toString();
        return switch (random.nextInt(10)) {
            case 0 -> text.substring(0, random.nextInt(text.length()));
            case 1 -> duplicateAKey(text, random);
            case 2 -> flipAByte(text, random);
            default -> text;
        };
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            node.forEach(child -> collect(child, out));
        }
    }

    private static void mutateOne(JsonNode target, Random random) {
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        int size = target.size();
        JsonNode replacement = hostileValue(random);
        if (target instanceof ObjectNode o) {
            if (names.isEmpty() || random.nextInt(5) == 0) {
                o.set(SPEC_KEYS.get(random.nextInt(SPEC_KEYS.size())), replacement);
            } else if (random.nextInt(3) == 0) {
                o.remove(names.get(random.nextInt(names.size())));
            } else {
                o.set(names.get(random.nextInt(names.size())), replacement);
            }
        } else if (target instanceof ArrayNode a) {
            if (size == 0 || random.nextInt(4) == 0) {
                a.add(replacement);
            } else if (random.nextInt(3) == 0) {
                a.remove(random.nextInt(size));
            } else {
                a.set(random.nextInt(size), replacement);
            }
        }
    }

    private static JsonNode hostileValue(Random random) {
        return switch (random.nextInt(14)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.textNode("");
            case 2 -> NODES.textNode("/a\u0000b");
            case 3 -> NODES.textNode("x".repeat(random.nextInt(100_000)));
            case 4 -> NODES.numberNode(new BigInteger("18446744073709551616"));
            case 5 -> NODES.numberNode(Long.MIN_VALUE);
            case 6 -> NODES.numberNode(-1);
            case 7 -> NODES.numberNode(1.5);
            case 8 -> NODES.booleanNode(random.nextBoolean());
            case 9 -> NODES.arrayNode().add("CAP_SYS_ADMIN").add("RLIMIT_NOFILE");
            case 10 -> {
                JsonNode deep = NODES.arrayNode();
                for (int n = 0; n < 40 + random.nextInt(40); n++) {
                    deep = NODES.arrayNode().add(deep);
                }
                yield deep;
            }
            case 11 -> NODES.textNode("\uD83D\uDE00 \u202e ../../etc");
            case 12 -> NODES.objectNode().put("type", "user").put("path", "relative");
            default -> NODES.numberNode(random.nextInt());
        };
    }

    private static String duplicateAKey(String text, Random random) {
        int at = text.indexOf("\"", random.nextInt(Math.max(1, text.length() / 2)));
        int colon = at < 0 ? -1 : text.indexOf("\":", at);
        if (colon < 0) {
            return text;
        }
        int start = text.lastIndexOf('"', colon - 1);
        if (start < 0 || text.charAt(start == 0 ? 0 : start - 1) != '{' && text.charAt(start - 1) != ',') {
            return text;
        }
        String key = text.substring(start, colon + 2);
        return text.substring(0, start) + key + "1," + text.substring(start);
    }

    private static String flipAByte(String text, Random random) {
        char[] chars = text.toCharArray();
        chars[random.nextInt(chars.length)] = "{}[],:\"\\0x- ".charAt(random.nextInt(12));
        return new String(chars);
    }

    // ---- valid specs ----

    @Provide
    Arbitrary<Spec> validSpecs() {
        Arbitrary<String> version = Arbitraries.of("1.0.0", "1.0.2", "1.1.0", "1.2.0", "1.2.1-dev");
        Arbitrary<String> absPath = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)
            .list().ofMinSize(0).ofMaxSize(3).map(parts -> "/" + String.join("/", parts));
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10);
        Arbitrary<List<String>> caps = Arbitraries.subsetOf(SpecNames.CAPABILITIES).map(List::copyOf);
        Arbitrary<List<Rlimit>> rlimits = Arbitraries.subsetOf(SpecNames.RLIMITS).flatMap(types ->
            Arbitraries.longs().list().ofSize(types.size() * 2).map(values -> {
                List<Rlimit> out = new ArrayList<>();
                int n = 0;
                for (String type : types) {
                    long a = values.get(n++);
                    long b = values.get(n++);
                    out.add(Long.compareUnsigned(a, b) <= 0 ? new Rlimit(type, a, b) : new Rlimit(type, b, a));
                }
                return out;
            }));
        Arbitrary<Process> process = Combinators.combine(word.list().ofMinSize(1).ofMaxSize(4), absPath,
                word.map(w -> w.toUpperCase() + "=" + w).list().ofMaxSize(3), caps, rlimits,
                Arbitraries.of(true, false).injectNull(0.3), Arbitraries.integers().between(-1000, 1000).injectNull(0.5),
                Arbitraries.longs().between(0, 0xffff_ffffL))
            .as((args, cwd, env, capSet, limits, nnp, oom, uid) -> new Process(nnp, null,
                new User(uid, uid, null, List.of(), null), args, null, env, cwd,
                new Capabilities(capSet, capSet, null, capSet, List.of()), limits, nnp, null, oom, null, null, null,
                null));
        Arbitrary<Set<String>> namespaceTypes = Arbitraries.subsetOf(SpecNames.NAMESPACES);
        Arbitrary<List<Mount>> mounts = Combinators.combine(absPath, word, word.list().ofMaxSize(3))
            .as((dest, type, options) -> new Mount(dest, type, options, type, null, null)).list().ofMaxSize(4);
        return Combinators.combine(version, process.injectNull(0.2), word, namespaceTypes, mounts, absPath.list()
                .ofMaxSize(3), Arbitraries.maps(word, word).ofMaxSize(3).injectNull(0.3),
                Arbitraries.longs().between(0, 0xffff_0000L))
            .as((v, proc, hostname, types, mountList, masked, annotations, hostId) -> {
                List<Namespace> namespaces = new ArrayList<>();
                for (String t : new LinkedHashSet<>(types)) {
                    namespaces.add(new Namespace(t, null));
                }
                boolean user = types.contains("user");
                List<IdMapping> mapping = user ? List.of(new IdMapping(0L, hostId, 65_536L)) : null;
                Linux linux = new Linux(namespaces, mapping, mapping, null, null, null, null,
                    types.contains("mount") ? "rprivate" : null, null, null, masked, List.of(), null, null);
                return new Spec(v, proc, new Root("rootfs", !masked.isEmpty()),
                    types.contains("uts") ? hostname : null, null, mountList, null, annotations, linux);
            });
    }
}
