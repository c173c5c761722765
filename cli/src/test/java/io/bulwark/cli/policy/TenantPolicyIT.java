package io.bulwark.cli.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.testing.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenant policies through the real command line ({@code bin/bulwark} of the distribution) on real containers:
 * refusal with reasons and nothing left behind, the same bundle under a policy that allows it, a tightened bundle
 * seen from inside, a tampered signed policy, and the audit log of all of it.
 */
class TenantPolicyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOST_ID = 100000;
    /** CAP_KILL is capability 5. */
    private static final String ONLY_CAP_KILL = "0000000000000020";

    private Path dir;
    private Path bundle;
    private Path state;
    private Path policies;
    private Path config;
    private Path audit;
    private final List<String> ids = new ArrayList<>();

    record Result(int code, String out, String err) {
    }

    private static Path bulwark() {
        return Path.of(System.getProperty("bulwark.dist", "target/bulwark"), "bin", "bulwark");
    }

    private static boolean userNamespacesWork() {
        try {
            Process p = new ProcessBuilder("unshare", "-U", "-r", "-m", "-p", "-f", "true").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        Requirements.require(Requirements.isRoot(), "root");
        Requirements.require(userNamespacesWork(), "user namespaces");
        Requirements.require(Files.isExecutable(bulwark()), "the distribution " + bulwark());
        Requirements.require(Files.isExecutable(Path.of("/bin/busybox")), "/bin/busybox");
        dir = Files.createTempDirectory("bulwark-policy-it-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        state = Files.createDirectories(dir.resolve("state"));
        policies = Files.createDirectories(dir.resolve("policies"));
        audit = dir.resolve("audit.jsonl");
        config = dir.resolve("config.json");
        Files.writeString(config, "{\"policyDirectory\": \"policies\", \"auditLog\": \"audit.jsonl\"}");
        bundle = dir.resolve("bundle");
        Path rootfs = bundle.resolve("rootfs");
        for (String d : List.of("bin", "proc", "dev", "sys", "tmp", "etc", "host")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        for (String applet : List.of("sh", "cat", "grep", "ls", "echo", "unshare", "dd")) {
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        try (Stream<Path> s = Files.walk(rootfs)) {
            for (Path p : s.toList()) {
                Files.setAttribute(p, "unix:uid", (int) HOST_ID, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", (int) HOST_ID, LinkOption.NOFOLLOW_LINKS);
            }
        }
        Files.writeString(policies.resolve("lab.json"), """
            {"name": "lab", "description": "a root policy that allows what the dangerous bundle asks for",
             "identity": {"userNamespace": true, "uidRange": {"hostID": 100000, "size": 65536},
                          "gidRange": {"hostID": 100000, "size": 65536}},
             "capabilities": {"allowed": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SYS_ADMIN"]},
             "mounts": {"types": ["bind", "proc", "sysfs", "tmpfs", "devpts", "mqueue"],
                        "hostPaths": [{"path": "/", "readOnly": false}], "forbidden": []},
             "namespaces": {"hostShared": ["time"]},
             "network": {"mode": "host"},
             "resources": {"memory": {"max": "64GiB"}}}
            """);
        Files.writeString(policies.resolve("tight.json"), """
            {"name": "tight", "extends": "default",
             "identity": {"uidRange": {"hostID": 100000, "size": 65536}, "gidRange": {"hostID": 100000, "size": 65536},
                          "enforcement": "tighten"},
             "capabilities": {"allowed": ["CAP_KILL"], "enforcement": "tighten"},
             "seccomp": {"profile": "strict"},
             "namespaces": {"enforcement": "tighten"},
             "resources": {"memory": {"max": "256MiB"}, "pids": {"max": 64}, "enforcement": "tighten"},
             "hooks": {"enforcement": "tighten"}}
            """);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dir == null) {
            return;
        }
        for (String id : ids) {
            bulwark("delete", "--force", id);
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Result bulwark(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bulwark().toString(), "--root", state.toString(), "--config", config.toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out-" + UUID.randomUUID());
        Path err = dir.resolve("err-" + UUID.randomUUID());
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bulwark " + String.join(" ", args) + " did not finish");
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private Result run(String tenant, ObjectNode spec) throws Exception {
        Files.writeString(bundle.resolve("config.json"), spec.toPrettyString());
        String id = "policy-it-" + UUID.randomUUID().toString().substring(0, 8);
        ids.add(id);
        return bulwark("--tenant", tenant, "run", "--bundle", bundle.toString(), id);
    }

    /** The usual secure config, running {@code script} in busybox sh. */
    private static ObjectNode spec(String script) throws IOException {
        ObjectNode s = (ObjectNode) JSON.readTree("""
            {"ociVersion": "1.2.0",
             "process": {"user": {"uid": 0, "gid": 0}, "args": ["/bin/sh", "-c", "SCRIPT"], "env": ["PATH=/bin"], "cwd": "/",
                         "capabilities": {"bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                                          "effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                                          "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]},
                         "noNewPrivileges": true},
             "root": {"path": "rootfs", "readonly": true},
             "hostname": "policy-it",
             "mounts": [{"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
                        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
                        {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}],
             "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"},
                                      {"type": "mount"}, {"type": "user"}, {"type": "cgroup"}],
                       "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
                       "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}]}}
            """.replace("SCRIPT", script.replace("\\", "\\\\").replace("\"", "\\\"")));
        return s;
    }

    /** {@link #spec} without a user namespace of its own: the policy adds one mapped onto the tenant's range. */
    private static ObjectNode specForTheTenantsUserNamespace(String script) throws IOException {
        ObjectNode s = spec(script);
        ((ArrayNode) s.get("linux").get("namespaces")).remove(5);
        ((ObjectNode) s.get("linux")).remove(List.of("uidMappings", "gidMappings"));
        return s;
    }

    private static void addCap(ObjectNode spec, String cap) {
        for (String set : List.of("bounding", "effective", "permitted")) {
            ((ArrayNode) spec.get("process").get("capabilities").get(set)).add(cap);
        }
    }

    /** CAP_SYS_ADMIN, a writable bind of the host's /, the host's network namespace, 64 GiB of memory. */
    private static ObjectNode dangerous(String script) throws IOException {
        ObjectNode s = spec(script);
        addCap(s, "CAP_SYS_ADMIN");
        ((ArrayNode) s.get("mounts")).addObject().put("destination", "/host").put("type", "bind").put("source", "/")
            .putArray("options").add("rbind").add("rw");
        ArrayNode ns = (ArrayNode) s.get("linux").get("namespaces");
        ns.remove(1); // network
        ((ObjectNode) s.get("linux")).putObject("resources").putObject("memory").put("limit", 64L << 30);
        return s;
    }

    private List<JsonNode> auditLines() throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(audit)) {
            lines.add(JSON.readTree(l));
        }
        return lines;
    }

    @Test
    void theDefaultPolicyRefusesTheDangerousBundleAndAnotherPolicyRunsIt() throws Exception {
        String script = "grep CapEff /proc/self/status; cat /proc/net/dev; ls /host/etc/hostname";
        Result refused = run("default", dangerous(script));
        assertTrue(refused.code() != 0);
        for (String reason : List.of("$.process.capabilities.bounding[3]: CAP_SYS_ADMIN (policy rule capabilities.allowed)",
            "$.mounts[3].source: host bind of /", "(policy rule mounts.forbidden)",
            "$.linux.namespaces: the host's network namespace", "(policy rule network.mode)",
            "$.linux.resources.memory.limit: 68719476736 bytes (64GiB) above the ceiling 2147483648 bytes (2GiB)")) {
            assertTrue(refused.err().contains(reason), () -> reason + " missing from: " + refused.err());
        }
        assertEquals(1, refused.err().lines().count(), "one line of error: " + refused.err());
        Result list = bulwark("list", "--format", "json");
        assertEquals(0, list.code(), list.err());
        assertEquals("[]", JSON.readTree(list.out().isBlank() ? "[]" : list.out()).toString(), "nothing was created");

        Result allowed = run("lab", dangerous(script));
        assertEquals(0, allowed.code(), allowed.out() + allowed.err());
        long capEff = Long.parseLong(allowed.out().lines().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow()
            .split("\\s+")[1], 16);
        assertTrue((capEff & (1L << 21)) != 0, "CAP_SYS_ADMIN is effective: " + allowed.out());
        String hostInterfaces = Files.readString(Path.of("/proc/net/dev"));
        for (String line : hostInterfaces.lines().skip(2).toList()) {
            String name = line.trim().split(":")[0];
            assertTrue(allowed.out().contains(name + ":"), "the host's " + name + " is visible: " + allowed.out());
        }
        assertTrue(allowed.out().contains("/host/etc/hostname"), "the host's / is bound: " + allowed.out());

        List<JsonNode> lines = auditLines();
        assertEquals(2, lines.size());
        assertEquals("refused", lines.get(0).get("decision").asText());
        assertEquals("default", lines.get(0).get("tenant").asText());
        assertEquals(6, lines.get(0).get("violations").size());
        assertTrue(lines.get(0).get("bundleDigest").asText().startsWith("sha256:"));
        assertEquals("lab", lines.get(1).get("tenant").asText());
        assertTrue(List.of("admitted", "tightened").contains(lines.get(1).get("decision").asText()));
        assertEquals(ids.get(1), lines.get(1).get("containerId").asText());
    }

    @Test
    void aTightenedBundleRunsWithTheTightenedSettings() throws Exception {
        ObjectNode s = spec("grep -E '^(CapEff|CapBnd|CapPrm|NoNewPrivs|Seccomp):' /proc/self/status;"
            + " cat /proc/self/uid_map; unshare -U true 2>&1 || echo unshare-denied");
        addCap(s, "CAP_SYS_ADMIN");
        addCap(s, "CAP_NET_RAW");
        ((ObjectNode) s.get("process")).put("noNewPrivileges", false);
        ArrayNode ns = (ArrayNode) s.get("linux").get("namespaces");
        ns.remove(5); // user: the policy adds one mapped onto the tenant's range
        ((ObjectNode) s.get("linux")).remove(List.of("uidMappings", "gidMappings"));
        ((ObjectNode) s.get("linux")).putObject("resources").putObject("memory").put("limit", 64L << 30);
        Result r = run("tight", s);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("CapEff:\t" + ONLY_CAP_KILL), r.out());
        assertTrue(r.out().contains("CapBnd:\t" + ONLY_CAP_KILL), r.out());
        assertTrue(r.out().contains("NoNewPrivs:\t1"), r.out());
        assertTrue(r.out().contains("Seccomp:\t2"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.trim().matches("0\\s+100000\\s+65536")), "uid 0 maps to the tenant's range: " + r.out());
        assertTrue(r.out().contains("unshare-denied"), "the strict seccomp profile denies unshare: " + r.out());
        for (String change : List.of("$.process.capabilities.bounding", "$.process.noNewPrivileges: false -> true",
            "$.linux.resources.memory.limit: 68719476736 bytes (64GiB) -> 268435456 bytes (256MiB)",
            "$.linux.namespaces: no user namespace -> user namespace mapping 0 to host 100000")) {
            assertTrue(r.err().contains(change), () -> change + " not reported: " + r.err());
        }
        JsonNode line = auditLines().get(0);
        assertEquals("tightened", line.get("decision").asText());
        assertTrue(line.get("changes").size() >= 5, line.toString());
    }

    @Test
    void theCappedMemoryHoldsInsideTheContainerAndABundleCanNarrowItFurther() throws Exception {
        // 100 MiB in one buffer is too much for a 32 MiB limit (no swap here): the kernel kills dd; 16 MiB fits
        ObjectNode s = spec("dd if=/dev/zero of=/dev/null bs=16M count=1 2>/dev/null; echo small=$?;"
            + " dd if=/dev/zero of=/dev/null bs=100M count=1 2>/dev/null; echo big=$?");
        ((ObjectNode) s.get("linux")).putObject("resources").putObject("memory").put("limit", 64L << 30);
        s.putObject("annotations").put("io.bulwark.policy", "{\"resources\": {\"memory\": {\"max\": \"32MiB\"}}}");
        Result r = run("tight", s);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("small=0"), r.out());
        assertTrue(r.out().contains("big=137"), "the 32 MiB ceiling was enforced: " + r.out());
        assertTrue(r.err().contains("$.linux.resources.memory.limit: 68719476736 bytes (64GiB) -> 33554432 bytes (32MiB)"), r.err());

        s.putObject("annotations").put("io.bulwark.policy", "{\"network\": {\"mode\": \"host\"}}");
        Result widened = run("tight", s);
        assertTrue(widened.code() != 0);
        assertTrue(widened.err().contains("$.annotations['io.bulwark.policy']: $.network.mode: network host (base: none) widens"),
            widened.err());
    }

    @Test
    void anUpdateCannotLiftTheTenantsCeilings() throws Exception {
        ObjectNode s = specForTheTenantsUserNamespace("sleep 60");
        ((ObjectNode) s.get("linux")).putObject("resources").putObject("memory").put("limit", 64L << 20);
        Files.writeString(bundle.resolve("config.json"), s.toPrettyString());
        String id = "policy-it-" + UUID.randomUUID().toString().substring(0, 8);
        ids.add(id);
        Result created = bulwark("--tenant", "tight", "create", "--bundle", bundle.toString(), id);
        assertEquals(0, created.code(), created.err());
        Result above = bulwark("--tenant", "tight", "update", "--memory", "1g", "--pids-limit", "1000", id);
        assertEquals(1, above.code(), above.err());
        assertTrue(above.err().contains("the tenant policy does not admit these limits"), above.err());
        Path stored = state.resolve(id).resolve("config.json");
        assertEquals(64L << 20, JSON.readTree(stored.toFile()).at("/linux/resources/memory/limit").asLong(),
            "a refused update changes nothing");
        Result within = bulwark("--tenant", "tight", "update", "--memory", "128m", id);
        assertEquals(0, within.code(), within.err());
        assertEquals(128L << 20, JSON.readTree(stored.toFile()).at("/linux/resources/memory/limit").asLong());
    }

    @Test
    void execAndUpdateRunOnlyUnderTheTenantThatAdmittedTheContainer() throws Exception {
        ObjectNode s = specForTheTenantsUserNamespace("sleep 60");
        Files.writeString(bundle.resolve("config.json"), s.toPrettyString());
        String id = "policy-it-" + UUID.randomUUID().toString().substring(0, 8);
        ids.add(id);
        assertEquals(0, bulwark("--tenant", "tight", "create", "--bundle", bundle.toString(), id).code());
        assertEquals(0, bulwark("--tenant", "tight", "start", id).code());
        // "lab" allows CAP_SYS_ADMIN and 64 GiB; "tight" does not: neither another tenant nor none may stand in.
        Result asLab = bulwark("--tenant", "lab", "exec", "--cap", "CAP_SYS_ADMIN", id, "cat", "/proc/self/status");
        assertEquals(1, asLab.code(), asLab.out());
        assertTrue(asLab.err().contains("container '" + id + "' was admitted under tenant 'tight'; this command runs "
            + "under tenant 'lab'"), asLab.err());
        Result asNone = bulwark("exec", id, "cat", "/proc/self/status");
        assertEquals(1, asNone.code(), asNone.out());
        assertTrue(asNone.err().contains("this command runs without one"), asNone.err());
        Result update = bulwark("--tenant", "lab", "update", "--memory", "1g", id);
        assertEquals(1, update.code(), update.err());
        assertTrue(update.err().contains("was admitted under tenant 'tight'"), update.err());
        Result asTight = bulwark("--tenant", "tight", "exec", id, "sh", "-c", "grep CapEff /proc/self/status");
        assertEquals(0, asTight.code(), asTight.err());
        assertEquals("CapEff:\t0000000000000020", asTight.out().strip());
        assertEquals("tight", JSON.readTree(bulwark("state", id).out()).at("/annotations/io.bulwark.tenant").asText());
    }

    @Test
    void aBundleCannotClaimATenant() throws Exception {
        ObjectNode s = spec("true");
        ((ObjectNode) s.putObject("annotations")).put("io.bulwark.tenant", "tight");
        Files.writeString(bundle.resolve("config.json"), s.toPrettyString());
        String id = "policy-it-" + UUID.randomUUID().toString().substring(0, 8);
        ids.add(id);
        Result created = bulwark("create", "--bundle", bundle.toString(), id);
        assertEquals(0, created.code(), created.err());
        JsonNode state = JSON.readTree(bulwark("state", id).out());
        assertTrue(state.at("/annotations/io.bulwark.tenant").isMissingNode(), state.toString());
    }

    @Test
    void aTamperedSignedPolicyIsRefused() throws Exception {
        Path key = dir.resolve("signing");
        assertEquals(0, bulwark("policy", "keygen", key.toString()).code());
        Files.writeString(config, "{\"policyDirectory\": \"policies\", \"auditLog\": \"audit.jsonl\", \"trustedPublicKey\": \"signing.pub\"}");
        Path tight = policies.resolve("tight.json");
        Result signed = bulwark("policy", "sign", "--key", key + ".key", tight.toString());
        assertEquals(0, signed.code(), signed.err());

        ObjectNode s = spec("echo hello");
        Result ok = run("tight", s);
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("hello"));

        Files.writeString(tight, Files.readString(tight).replace("\"CAP_KILL\"", "\"CAP_KILL\", \"CAP_SYS_ADMIN\""));
        Result tampered = run("tight", s);
        assertTrue(tampered.code() != 0);
        assertTrue(tampered.err().contains("tight.json: refused: its signature tight.json.sig does not verify with the trusted key"),
            tampered.err());
        assertFalse(tampered.out().contains("hello"));
        Files.delete(PolicySignaturesPath.of(tight));
        Result unsigned = run("tight", s);
        assertTrue(unsigned.err().contains("the policy is not signed"), unsigned.err());

        List<String> decisions = auditLines().stream().map(l -> l.get("decision").asText()).toList();
        assertEquals(List.of("tightened", "refused", "refused"), decisions);
        assertTrue(auditLines().get(1).get("error").asText().contains("does not verify"));
    }

    /** Where a policy's signature lives (kept here so the test states the file layout it relies on). */
    private static final class PolicySignaturesPath {
        static Path of(Path policy) {
            return policy.resolveSibling(policy.getFileName() + ".sig");
        }
    }
}
