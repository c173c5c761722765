package io.bulwark.policies.admission;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.spec.SpecNames;
import io.bulwark.policies.TestSpecs;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generated configs: the sane base config with random capabilities, binds, namespaces, mappings and limits. */
public final class GeneratedConfigs {
    static final List<String> BIND_SOURCES = List.of("/", "/proc", "/proc/1/root", "/var/run/docker.sock", "/var/run",
        "/run/containerd/io", "/srv/ci/cache/x", "/srv/ci/toolchains", "/srv/bulwark/shared/data", "/srv/internal/a",
        "/etc/ssl/certs", "/home/user", "/dev/sda", "/sys/fs/cgroup", "/tmp", "rootfs/etc", "/etc", "/srv/../proc",
        "/srv/bulwark");
    static final List<String> NAMESPACES = List.of("cgroup", "ipc", "mount", "network", "pid", "time", "uts", "user");
    private static final List<String> SORTED_CAPS = SpecNames.CAPABILITIES.stream().sorted().toList();

    private GeneratedConfigs() {
    }

    record Bind(String source, boolean readOnly, String type) {
    }

    public static Arbitrary<ObjectNode> configs() {
        // mostly what ordinary containers ask for, sometimes anything: both sides of every rule get exercised
        Arbitrary<String> cap = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, Arbitraries.of("CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_SETGID", "CAP_NET_BIND_SERVICE")),
            net.jqwik.api.Tuple.of(1, Arbitraries.of(SORTED_CAPS)));
        Arbitrary<List<String>> caps = cap.list().ofMaxSize(3).uniqueElements();
        Arbitrary<List<Bind>> binds = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(2, Arbitraries.just(List.<Bind>of())),
            net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.of(BIND_SOURCES), Arbitraries.of(true, false),
                Arbitraries.of("bind", "none", "ext4")).as(Bind::new).list().ofMinSize(1).ofMaxSize(2)));
        // 0: absent, 1: new, 2: the host's, 3: another namespace by path
        Arbitrary<Integer> namespace = Arbitraries.frequency(
            net.jqwik.api.Tuple.of(1, 0), net.jqwik.api.Tuple.of(24, 1), net.jqwik.api.Tuple.of(1, 2), net.jqwik.api.Tuple.of(1, 3));
        Arbitrary<List<Integer>> namespaces = namespace.list().ofSize(NAMESPACES.size());
        Arbitrary<Long> hostIds = Arbitraries.of(0L, 65536L, 100000L, 200000L, 200000L, 200000L, 300000L);
        Arbitrary<Long> memory = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.just(0L)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(-1L)),
            net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(4L << 20, 64L << 30)));
        Arbitrary<Long> pids = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.just(0L)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(-1L)), net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(1, 100_000)));
        Arbitrary<Boolean> nnp = Arbitraries.of(true, false);
        Arbitrary<Long> uid = Arbitraries.of(0L, 1000L);
        return Combinators.combine(caps, binds, namespaces, hostIds, memory, pids, nnp, uid)
            .as(GeneratedConfigs::build);
    }

    private static ObjectNode build(List<String> caps, List<Bind> binds, List<Integer> namespaces, long hostId,
        long memory, long pids, boolean nnp, long uid) {
        ObjectNode c = TestSpecs.config();
        TestSpecs.object(c, "process", "user").put("uid", uid);
        for (String set : List.of("bounding", "effective", "permitted")) {
            ArrayNode a = TestSpecs.array(c, "process", "capabilities", set);
            caps.forEach(a::add);
        }
        TestSpecs.object(c, "process").put("noNewPrivileges", nnp);
        ArrayNode mounts = TestSpecs.array(c, "mounts");
        for (Bind b : binds) {
            ObjectNode m = mounts.addObject().put("destination", "/mnt/" + mounts.size()).put("source", b.source());
            ArrayNode options = m.putArray("options");
            if ("none".equals(b.type())) {
                options.add("rbind");
            } else {
                m.put("type", b.type());
            }
            options.add(b.readOnly() ? "ro" : "rw");
        }
        ArrayNode ns = TestSpecs.object(c, "linux").putArray("namespaces");
        for (int i = 0; i < NAMESPACES.size(); i++) {
            String type = NAMESPACES.get(i);
            String proc = HostNamespaces.PROC_NAMES.get(type);
            switch (namespaces.get(i)) {
                case 1 -> ns.addObject().put("type", type);
                case 2 -> ns.addObject().put("type", type).put("path", "/proc/1/ns/" + proc);
                case 3 -> ns.addObject().put("type", type).put("path", "/run/netns/other-" + proc);
                default -> { }
            }
        }
        for (String map : List.of("uidMappings", "gidMappings")) {
            TestSpecs.object(c, "linux").putArray(map).addObject().put("containerID", 0).put("hostID", hostId).put("size", 65536);
        }
        if (memory != 0) {
            TestSpecs.object(c, "linux", "resources", "memory").put("limit", memory);
        }
        if (pids != 0) {
            TestSpecs.object(c, "linux", "resources", "pids").put("limit", pids);
        }
        return c;
    }

    static List<String> shippedPolicies() {
        return new ArrayList<>(List.of("default", "ci-runner", "code-exec", "trusted-internal"));
    }
}
