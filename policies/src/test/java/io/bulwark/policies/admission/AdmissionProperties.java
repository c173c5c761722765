package io.bulwark.policies.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.Mount;
import io.bulwark.core.spec.Namespace;
import io.bulwark.core.spec.Spec;
import io.bulwark.policies.TestSpecs;
import io.bulwark.policies.inherit.EffectivePolicy;
import io.bulwark.policies.model.NetworkMode;
import io.bulwark.policies.model.Policy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

class AdmissionProperties {
    private static final Path BUNDLE = Path.of("/nonexistent/bundle");

    @Provide
    Arbitrary<ObjectNode> configs() {
        return GeneratedConfigs.configs();
    }

    @Provide
    Arbitrary<String> policies() {
        return Arbitraries.of(GeneratedConfigs.shippedPolicies());
    }

    private static AdmissionResult admit(String policy, Spec spec) {
        return TestSpecs.admission().admit(TestSpecs.shipped(policy), spec, BUNDLE, null);
    }

    @Property(tries = 400, seed = "5")
    void aConfigThatPassesStillPassesAfterTightening(@ForAll("configs") ObjectNode config, @ForAll("policies") String policy) {
        AdmissionResult first = admit(policy, TestSpecs.spec(config));
        Statistics.label("decision").collect(first.decision());
        Statistics.label("decision").coverage(c -> c.check(Decision.REFUSED).percentage(pc -> pc > 5 && pc < 95));
        if (!first.admitted()) {
            assertNull(first.spec());
            assertTrue(!first.violations().isEmpty());
            return;
        }
        AdmissionResult again = admit(policy, first.spec());
        assertTrue(again.admitted(), () -> "the admitted config is refused on a second look: " + again.violations());
        assertEquals(first.spec(), again.spec(), "tightening is not stable");
    }

    @Property(tries = 600, seed = "7")
    void nothingForbiddenIsEverAdmitted(@ForAll("configs") ObjectNode config, @ForAll("policies") String policy) {
        EffectivePolicy effective = TestSpecs.shipped(policy);
        AdmissionResult r = admit(policy, TestSpecs.spec(config));
        Statistics.label("admitted").collect(r.admitted());
        Statistics.label("admitted").coverage(c -> c.check(true).percentage(pc -> pc > 5));
        if (!r.admitted()) {
            return;
        }
        Policy p = effective.policy();
        Spec s = r.spec();
        // capabilities: nothing outside the allowed list, in any set
        Capabilities caps = s.process().capabilities();
        Stream.of(caps.bounding(), caps.effective(), caps.inheritable(), caps.permitted(), caps.ambient())
            .filter(java.util.Objects::nonNull).flatMap(List::stream)
            .forEach(cap -> assertTrue(p.capabilities().allowed().contains(cap), cap + " admitted under " + policy));
        // mounts: no bind touching a forbidden host path
        for (Mount m : s.mounts()) {
            boolean bind = "bind".equals(m.type()) || (m.options() != null
                && (m.options().contains("bind") || m.options().contains("rbind")));
            if (!bind) {
                assertTrue(p.mounts().types().contains(m.type()), m.type() + " admitted under " + policy);
                continue;
            }
            Path source = BUNDLE.resolve(m.source()).normalize();
            for (String f : p.mounts().forbidden()) {
                Path forbidden = Path.of(f);
                assertTrue(!source.startsWith(forbidden) && !forbidden.startsWith(source),
                    "bind of " + m.source() + " admitted under " + policy + " though " + f + " is forbidden");
            }
        }
        // namespaces: every one the policy does not let the host share is there, and not the host's
        List<String> required = new ArrayList<>(List.of("cgroup", "ipc", "mount", "pid", "time", "uts"));
        required.removeAll(p.namespaces().hostShared());
        if (p.network().mode() != NetworkMode.HOST) {
            required.add("network");
        }
        if (p.identity().userNamespace()) {
            required.add("user");
        }
        for (String type : required) {
            Namespace ns = s.linux().namespaces().stream().filter(n -> n.type().equals(type)).findFirst().orElse(null);
            assertTrue(ns != null, "no " + type + " namespace admitted under " + policy);
            assertTrue(ns.path() == null || !ns.path().startsWith("/proc/1/"),
                "the host's " + type + " namespace admitted under " + policy);
        }
    }
}
