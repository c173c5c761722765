package io.bulwark.policies.admission;

import static io.bulwark.policies.TestSpecs.array;
import static io.bulwark.policies.TestSpecs.config;
import static io.bulwark.policies.TestSpecs.object;
import static io.bulwark.policies.TestSpecs.shipped;
import static io.bulwark.policies.TestSpecs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.spec.Spec;
import io.bulwark.policies.TestSpecs;
import io.bulwark.seccomp.profile.DefaultProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdmissionTest {
    @TempDir
    Path bundle;

    private AdmissionResult admit(String policy, ObjectNode config) {
        return TestSpecs.admission().admit(shipped(policy), spec(config), bundle, null);
    }

    private static ObjectNode dangerous() {
        ObjectNode c = config();
        for (String set : List.of("bounding", "effective", "permitted")) {
            array(c, "process", "capabilities", set).add("CAP_SYS_ADMIN");
        }
        array(c, "mounts").addObject().put("destination", "/host").put("type", "bind").put("source", "/")
            .putArray("options").add("rbind").add("rw");
        var namespaces = array(c, "linux", "namespaces");
        for (int i = 0; i < namespaces.size(); i++) {
            if (namespaces.get(i).get("type").asText().equals("network")) {
                namespaces.remove(i);
                break;
            }
        }
        object(c, "linux", "resources", "memory").put("limit", 64L << 30);
        return c;
    }

    private static boolean has(List<Violation> violations, String path, String rule, String valuePart) {
        return violations.stream().anyMatch(v -> v.path().equals(path) && v.rule().equals(rule) && v.value().contains(valuePart));
    }

    @Test
    void theSaneConfigIsAdmittedUnderTheDefaultPolicyWithItsDefaultsApplied() {
        AdmissionResult r = admit("default", config());
        assertTrue(r.violations().isEmpty(), () -> r.violations().toString());
        assertEquals(Decision.TIGHTENED, r.decision());
        Spec s = r.spec();
        assertEquals(512L << 20, s.linux().resources().memory().limit());
        assertEquals(100_000L, s.linux().resources().cpu().quota());
        assertEquals(1024L, s.linux().resources().pids().limit());
        assertEquals("linux", r.backend());
        assertEquals("linux", s.annotations().get(Admission.BACKEND_ANNOTATION));
        assertEquals("default", s.annotations().get(Admission.TENANT_ANNOTATION));
        assertEquals("bulwark-default", s.process().apparmorProfile());
        assertEquals(DefaultProfile.forCapabilities(s.process().capabilities()), s.linux().seccomp());
        assertTrue(r.changes().stream().anyMatch(c -> c.path().equals("$.linux.resources.memory.limit")
            && c.to().contains("512MiB")), () -> r.changes().toString());
    }

    @Test
    void theDefaultPolicyRefusesSysAdminRootBindHostNetworkAndHugeMemoryAllAtOnce() {
        AdmissionResult r = admit("default", dangerous());
        assertEquals(Decision.REFUSED, r.decision());
        assertNull(r.spec());
        List<Violation> v = r.violations();
        assertTrue(has(v, "$.process.capabilities.bounding[3]", "capabilities.allowed", "CAP_SYS_ADMIN"), v::toString);
        assertTrue(has(v, "$.process.capabilities.effective[3]", "capabilities.allowed", "CAP_SYS_ADMIN"), v::toString);
        assertTrue(has(v, "$.mounts[6].source", "mounts.forbidden", "host bind of /"), v::toString);
        assertTrue(has(v, "$.linux.namespaces", "network.mode", "the host's network namespace"), v::toString);
        assertTrue(has(v, "$.linux.resources.memory.limit", "resources.memory.max", "68719476736 bytes (64GiB)"), v::toString);
        assertEquals(6, v.size(), v::toString);
    }

    @Test
    void aPathToTheHostsNetworkNamespaceIsRefused() {
        ObjectNode c = config();
        ((ObjectNode) array(c, "linux", "namespaces").get(1)).put("path", "/proc/1/ns/net");
        AdmissionResult r = admit("default", c);
        assertTrue(has(r.violations(), "$.linux.namespaces[1].path", "network.mode", "/proc/1/ns/net"), r.violations()::toString);
    }

    @Test
    void theSameBundleIsAdmittedUnchangedInItsRiskyPartsUnderTheTrustedPolicyIfItAllowsThem() {
        ObjectNode c = dangerous();
        // trusted-internal still forbids CAP_SYS_ADMIN and binding /; keep what it does allow
        for (String set : List.of("bounding", "effective", "permitted")) {
            var caps = array(c, "process", "capabilities", set);
            caps.remove(caps.size() - 1);
            caps.add("CAP_NET_ADMIN");
        }
        array(c, "mounts").remove(6);
        object(c, "linux", "resources", "memory").put("limit", 8L << 30);
        AdmissionResult r = admit("trusted-internal", c);
        assertTrue(r.admitted(), () -> r.violations().toString());
        assertEquals(8L << 30, r.spec().linux().resources().memory().limit());
        assertTrue(r.spec().process().capabilities().bounding().contains("CAP_NET_ADMIN"));
    }

    @Test
    void codeExecTightensInsteadOfRefusingAndForcesTheVmBackend() {
        ObjectNode c = config();
        for (String set : List.of("bounding", "effective", "permitted")) {
            array(c, "process", "capabilities", set).add("CAP_SYS_ADMIN");
        }
        object(c, "process").put("noNewPrivileges", false);
        object(c, "process", "user").put("uid", 1000);
        object(c, "linux", "resources", "memory").put("limit", 64L << 30);
        object(c, "linux", "resources", "pids").put("limit", -1);
        AdmissionResult r = admit("code-exec", c);
        assertTrue(r.admitted(), () -> r.violations().toString());
        assertEquals(Decision.TIGHTENED, r.decision());
        assertEquals("vm", r.backend());
        assertEquals(30L, r.wallClockLimitSeconds());
        Spec s = r.spec();
        assertEquals(List.of("CAP_KILL"), s.process().capabilities().bounding());
        assertTrue(s.process().noNewPrivileges());
        assertEquals(256L << 20, s.linux().resources().memory().limit());
        assertEquals(128L, s.linux().resources().pids().limit());
        assertEquals(50_000L, s.linux().resources().cpu().quota());
        assertEquals("30", s.annotations().get(Admission.WALL_CLOCK_ANNOTATION));
        assertTrue(r.changes().stream().anyMatch(ch -> ch.path().equals("$.process.capabilities.bounding")
            && ch.to().contains("dropped [CAP_AUDIT_WRITE, CAP_NET_BIND_SERVICE, CAP_SYS_ADMIN]")), r.changes()::toString);
    }

    @Test
    void codeExecRefusesTheLinuxBackendAndRootInside() {
        ObjectNode c = config();
        object(c, "annotations").put(Admission.BACKEND_ANNOTATION, "linux");
        AdmissionResult r = admit("code-exec", c);
        assertTrue(has(r.violations(), "$.annotations['io.bulwark.backend']", "backend.allowed", "linux"), r.violations()::toString);
        assertTrue(has(r.violations(), "$.process.user.uid", "identity.rootInside", "0"), r.violations()::toString);
    }

    @Test
    void aSymlinkInTheBundleThatPointsAtTheHostRootIsSeenThrough() throws Exception {
        Files.createSymbolicLink(bundle.resolve("innocent"), Path.of("/"));
        ObjectNode c = config();
        array(c, "mounts").addObject().put("destination", "/x").put("type", "bind").put("source", "innocent")
            .putArray("options").add("bind").add("ro");
        AdmissionResult r = admit("default", c);
        assertTrue(has(r.violations(), "$.mounts[6].source", "mounts.forbidden", "innocent (/)"), r.violations()::toString);
    }

    @Test
    void bindsOfTheDockerSocketAndOfParentsOfForbiddenPathsAreRefused() {
        ObjectNode c = config();
        array(c, "mounts").addObject().put("destination", "/s").put("type", "bind").put("source", "/var/run/docker.sock");
        array(c, "mounts").addObject().put("destination", "/v").put("type", "bind").put("source", "/var/run");
        array(c, "mounts").addObject().put("destination", "/p").put("type", "bind").put("source", "/proc/self/../1");
        AdmissionResult r = admit("default", c);
        assertTrue(has(r.violations(), "$.mounts[6].source", "mounts.forbidden", "docker.sock"), r.violations()::toString);
        assertTrue(has(r.violations(), "$.mounts[7].source", "mounts.forbidden", "contains forbidden"), r.violations()::toString);
        assertTrue(has(r.violations(), "$.mounts[8].source", "mounts.forbidden", "inside forbidden /proc"), r.violations()::toString);
    }

    @Test
    void readOnlyHostPathsAreMadeReadOnlyUnderTighten() {
        ObjectNode c = config();
        array(c, "mounts").addObject().put("destination", "/tools").put("type", "bind").put("source", "/srv/ci/toolchains/gcc")
            .putArray("options").add("rbind").add("rw");
        array(c, "mounts").addObject().put("destination", "/cache").put("type", "bind").put("source", "/srv/ci/cache")
            .putArray("options").add("rbind").add("rw");
        array(c, "mounts").addObject().put("destination", "/etc/x").put("type", "bind").put("source", "/srv/other");
                AdmissionResult r = admit("ci-runner", c);
        assertEquals(1, r.violations().size(), r.violations()::toString);
        assertTrue(has(r.violations(), "$.mounts[8].source", "mounts.hostPaths", "/srv/other"));
        array(c, "mounts").remove(8);
        AdmissionResult ok = admit("ci-runner", c);
        assertTrue(ok.admitted(), ok.violations()::toString);
        assertEquals(List.of("rbind", "ro"), ok.spec().mounts().get(6).options());
        assertEquals(List.of("rbind", "rw"), ok.spec().mounts().get(7).options());
    }

    @Test
    void mappingsOutsideTheTenantsRangeAreRefused() {
        ObjectNode c = config();
        object(c, "linux").putArray("uidMappings").addObject().put("containerID", 0).put("hostID", 0).put("size", 1);
        AdmissionResult r = admit("default", c);
        assertTrue(has(r.violations(), "$.linux.uidMappings[0]", "identity.uidRange", "host ids 0..0"), r.violations()::toString);
    }

    @Test
    void aMissingUserNamespaceIsAddedWhereThePolicyTightens() {
        ObjectNode c = config();
        var ns = array(c, "linux", "namespaces");
        ns.remove(5);
        object(c, "linux").remove(List.of("uidMappings", "gidMappings"));
        assertTrue(has(admit("default", c).violations(), "$.linux.namespaces", "identity.userNamespace", "no user namespace"));
        AdmissionResult r = admit("ci-runner", c);
        assertTrue(r.admitted(), r.violations()::toString);
        assertEquals(100000L, r.spec().linux().uidMappings().get(0).hostID());
        assertTrue(r.spec().linux().namespaces().stream().anyMatch(n -> n.type().equals("user")));
    }

    @Test
    void hooksAndDevicesAreRefusedOrRemoved() {
        ObjectNode c = config();
        object(c, "hooks").putArray("prestart").addObject().put("path", "/usr/bin/evil");
        object(c, "linux").putArray("devices").addObject().put("type", "b").put("path", "/dev/sda").put("major", 8).put("minor", 0);
        array(c, "linux", "resources", "devices").addObject().put("allow", true).put("access", "rwm");
        AdmissionResult r = admit("default", c);
        assertTrue(has(r.violations(), "$.hooks.prestart[0]", "hooks.allowed", "/usr/bin/evil"), r.violations()::toString);
        assertTrue(has(r.violations(), "$.linux.devices[0]", "devices.allowed", "b 8:0"), r.violations()::toString);
        assertTrue(has(r.violations(), "$.linux.resources.devices[1]", "devices.allowed", "allow a *:* rwm"), r.violations()::toString);
        AdmissionResult tightened = admit("code-exec", c);
        assertTrue(has(tightened.violations(), "$.linux.devices[0]", "devices.allowed", "b 8:0"));
        assertFalse(tightened.changes().stream().noneMatch(ch -> ch.path().equals("$.hooks.prestart[0]")));
    }

    @Test
    void aBundleMayNarrowItsPolicyButNotWidenIt() {
        ObjectNode c = config();
        object(c, "annotations").put(Admission.POLICY_ANNOTATION,
            "{\"resources\": {\"memory\": {\"max\": \"64MiB\"}}, \"capabilities\": {\"allowed\": [\"CAP_KILL\"]}}");
        AdmissionResult r = admit("default", c);
        assertTrue(has(r.violations(), "$.process.capabilities.bounding[0]", "capabilities.allowed", "CAP_AUDIT_WRITE"), r.violations()::toString);
        object(c, "annotations").put(Admission.POLICY_ANNOTATION, "{\"network\": {\"mode\": \"host\"}}");
        AdmissionResult widened = admit("default", c);
        assertTrue(has(widened.violations(), "$.annotations['io.bulwark.policy']", "annotations", "network host"),
            widened.violations()::toString);
    }

    @Test
    void aBundlesOwnSeccompProfileIsReplacedByThePolicys() {
        ObjectNode c = config();
        object(c, "linux", "seccomp").put("defaultAction", "SCMP_ACT_ALLOW");
        AdmissionResult r = admit("default", c);
        assertTrue(r.admitted());
        assertEquals(DefaultProfile.forCapabilities(r.spec().process().capabilities()), r.spec().linux().seccomp());
        assertTrue(r.changes().stream().anyMatch(ch -> ch.path().equals("$.linux.seccomp") && ch.rule().equals("seccomp.bundleMayReplace")));
        AdmissionResult trusted = admit("trusted-internal", c);
        assertEquals("SCMP_ACT_ALLOW", trusted.spec().linux().seccomp().defaultAction());
    }

    @Test
    void theStrictProfileLeavesOutWhatTheDefaultAllows() {
        ObjectNode c = config();
        object(c, "annotations").put(Admission.POLICY_ANNOTATION, "{\"seccomp\": {\"profile\": \"strict\"}}");
        AdmissionResult r = admit("default", c);
        assertTrue(r.admitted(), r.violations()::toString);
        List<String> allowed = r.spec().linux().seccomp().syscalls().stream()
            .filter(rule -> rule.action().equals("SCMP_ACT_ALLOW")).flatMap(rule -> rule.names().stream()).toList();
        assertTrue(allowed.contains("read") && allowed.contains("execve"));
        for (String gone : List.of("vmsplice", "modify_ldt", "kcmp", "personality", "unshare")) {
            assertFalse(allowed.contains(gone), gone);
        }
        assertTrue(DefaultProfile.forCapabilities(r.spec().process().capabilities()).syscalls().get(0).names().contains("vmsplice"));
    }

    @Test
    void theBundleCannotOptOutOfSeccompUnlessThePolicyLetsIt() {
        ObjectNode c = config();
        object(c, "annotations").put("io.bulwark.seccomp", "unconfined");
        AdmissionResult r = admit("default", c);
        assertTrue(r.admitted());
        assertNull(r.spec().annotations().get("io.bulwark.seccomp"));
        assertEquals(DefaultProfile.forCapabilities(r.spec().process().capabilities()), r.spec().linux().seccomp());
        AdmissionResult trusted = admit("trusted-internal", c);
        assertEquals("unconfined", trusted.spec().annotations().get("io.bulwark.seccomp"));
        assertNull(trusted.spec().linux().seccomp());
    }

    @Test
    void onAHostWithoutAppArmorTheProfileIsDroppedOrTheContainerRefusedAsThePolicySays() {
        ObjectNode c = config();
        object(c, "process").put("apparmorProfile", "docker-default");
        AdmissionResult lenient = TestSpecs.admissionWithoutAppArmor().admit(shipped("default"), spec(c), bundle, null);
        assertTrue(lenient.admitted(), lenient.violations()::toString);
        assertNull(lenient.spec().process().apparmorProfile());
        assertTrue(lenient.apparmorOptional());
        assertTrue(lenient.changes().stream().anyMatch(ch -> ch.rule().equals("apparmor.mayBeAbsent")), lenient.changes()::toString);
        object(c, "annotations").put(Admission.POLICY_ANNOTATION, "{\"apparmor\": {\"mayBeAbsent\": false}}");
        AdmissionResult strict = TestSpecs.admissionWithoutAppArmor().admit(shipped("default"), spec(c), bundle, null);
        assertTrue(has(strict.violations(), "$.process.apparmorProfile", "apparmor.mayBeAbsent", "bulwark-default"),
            strict.violations()::toString);
        AdmissionResult withAppArmor = admit("default", c);
        assertEquals("bulwark-default", withAppArmor.spec().process().apparmorProfile());
    }

    @Test
    void aCpuQuotaAboveTheCeilingIsReportedInCpus() {
        ObjectNode c = config();
        object(c, "linux", "resources", "cpu").put("quota", 400000).put("period", 100000);
        AdmissionResult r = admit("default", c);
        assertTrue(has(r.violations(), "$.linux.resources.cpu.quota", "resources.cpu.max", "4 CPUs"), r.violations()::toString);
    }
}
