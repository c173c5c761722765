package io.bulwark.policies.inherit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.spec.SpecNames;
import io.bulwark.policies.TestSpecs;
import io.bulwark.policies.admission.AdmissionResult;
import io.bulwark.policies.model.ByteSize;
import io.bulwark.policies.model.CapabilityPolicy;
import io.bulwark.policies.model.Enforcement;
import io.bulwark.policies.model.HostPath;
import io.bulwark.policies.model.IdRange;
import io.bulwark.policies.model.IdentityPolicy;
import io.bulwark.policies.model.MemoryCeiling;
import io.bulwark.policies.model.MountPolicy;
import io.bulwark.policies.model.NamespacePolicy;
import io.bulwark.policies.model.NetworkMode;
import io.bulwark.policies.model.NetworkPolicy;
import io.bulwark.policies.model.PidsCeiling;
import io.bulwark.policies.model.Policy;
import io.bulwark.policies.model.ResourcePolicy;
import io.bulwark.policies.parse.PolicyException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

class NarrowingProperties {
    private static final EffectivePolicy BASE = TestSpecs.shipped("default");
    private static final List<String> BASE_CAPS = BASE.policy().capabilities().allowed();

    @Provide
    Arbitrary<Policy> children() {
        Arbitrary<String> cap = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.of(BASE_CAPS)),
            net.jqwik.api.Tuple.of(1, Arbitraries.of(SpecNames.CAPABILITIES.stream().sorted().toList())));
        Arbitrary<Enforcement> enforcement = Arbitraries.of(Enforcement.class);
        Arbitrary<CapabilityPolicy> caps = Combinators.combine(cap.list().ofMaxSize(8).uniqueElements(), enforcement)
            .as(CapabilityPolicy::new).injectNull(0.3);
        Arbitrary<NetworkPolicy> network = Arbitraries.of(NetworkMode.class).map(NetworkPolicy::new).injectNull(0.5);
        Arbitrary<ResourcePolicy> resources = Combinators.combine(
            Arbitraries.longs().between(4, 4096).map(mib -> new MemoryCeiling(ByteSize.ofMiB(mib), null)).injectNull(0.3),
            Arbitraries.longs().between(1, 8192).map(n -> new PidsCeiling(n, null)).injectNull(0.3),
            enforcement).as((m, p, e) -> new ResourcePolicy(m, null, p, null, e)).injectNull(0.3);
        Arbitrary<NamespacePolicy> namespaces = Combinators.combine(
            Arbitraries.of(NamespacePolicy.TYPES).list().ofMaxSize(2).uniqueElements(), enforcement)
            .as((shared, e) -> new NamespacePolicy(shared, null, e)).injectNull(0.5);
        Arbitrary<MountPolicy> mounts = Combinators.combine(
            Arbitraries.of("/srv/bulwark/shared", "/srv/bulwark/shared/x", "/srv", "/home")
                .flatMap(path -> Arbitraries.of(true, false).map(ro -> new HostPath(path, ro))).list().ofMaxSize(2),
            enforcement).as((hosts, e) -> new MountPolicy(null, hosts, null, e)).injectNull(0.4);
        Arbitrary<IdentityPolicy> identity = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
            Arbitraries.longs().between(0, 400_000).map(h -> new IdRange(h, 65536L)), enforcement)
            .as((userns, root, range, e) -> new IdentityPolicy(userns, range, range, root, e)).injectNull(0.4);
        Arbitrary<Optional<Long>> wallClock = Arbitraries.longs().between(1, 3600).optional(0.3);
        return Combinators.combine(caps, network, resources, namespaces, mounts, identity, wallClock)
            .as((c, n, r, ns, m, id, wc) -> new Policy(null, "child", null, "default", null, id, c, null, null, m, null,
                ns, n, r, wc.orElse(null), null, null));
    }

    @Provide
    Arbitrary<List<ObjectNode>> configs() {
        return io.bulwark.policies.admission.GeneratedConfigs.configs().list().ofSize(8);
    }

    @Property(tries = 300, seed = "11")
    void aChildThatResolvesNeverAdmitsWhatItsBaseWouldRefuse(@ForAll("children") Policy child,
        @ForAll("configs") List<ObjectNode> configs) {
        Policy effective;
        try {
            effective = PolicyResolver.narrow(BASE.policy(), child, "child.json");
        } catch (PolicyException e) {
            Statistics.label("child").collect("rejected as widening");
            return;
        }
        Statistics.label("child").collect("accepted");
        Statistics.label("child").coverage(c -> c.check("accepted").percentage(p -> p > 10));
        Policy base = BASE.policy();
        // the effective child, field by field, is no wider than the base
        assertTrue(base.capabilities().allowed().containsAll(effective.capabilities().allowed()));
        assertTrue(effective.network().mode().compareTo(base.network().mode()) <= 0);
        assertTrue(effective.resources().memory().max().compareTo(base.resources().memory().max()) <= 0);
        assertTrue(effective.resources().pids().max() <= base.resources().pids().max());
        assertTrue(base.namespaces().hostShared().containsAll(effective.namespaces().hostShared()));
        assertTrue(effective.identity().userNamespace() || !base.identity().userNamespace());
        assertTrue(effective.mounts().forbidden().containsAll(base.mounts().forbidden()));
        // and whatever the child admits, tightened or not, the base admits too
        EffectivePolicy narrowed = new EffectivePolicy("child", effective, List.of("child.json"));
        for (ObjectNode config : configs) {
            AdmissionResult byChild = TestSpecs.admission().admit(narrowed, TestSpecs.spec(config), Path.of("/b"), null);
            if (byChild.admitted()) {
                AdmissionResult byBase = TestSpecs.admission().admit(BASE, byChild.spec(), Path.of("/b"), null);
                assertTrue(byBase.admitted(), () -> "the child admitted what its base refuses: " + byBase.violations());
            }
        }
    }
}
