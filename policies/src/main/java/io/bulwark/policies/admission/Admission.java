package io.bulwark.policies.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.api.DefaultSeccompFilter;
import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.Device;
import io.bulwark.core.spec.DeviceRule;
import io.bulwark.core.spec.Hook;
import io.bulwark.core.spec.Hooks;
import io.bulwark.core.spec.IdMapping;
import io.bulwark.core.spec.JsonPaths;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.Mount;
import io.bulwark.core.spec.Namespace;
import io.bulwark.core.spec.Process;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.SpecProblem;
import io.bulwark.core.spec.ThrottleDevice;
import io.bulwark.core.spec.WallClockLimit;
import io.bulwark.policies.inherit.EffectivePolicy;
import io.bulwark.policies.inherit.PolicyResolver;
import io.bulwark.policies.model.ByteSize;
import io.bulwark.policies.model.DeviceAllowance;
import io.bulwark.policies.model.Enforcement;
import io.bulwark.policies.model.HostPath;
import io.bulwark.policies.model.IdRange;
import io.bulwark.policies.model.IoCeiling;
import io.bulwark.policies.model.NetworkMode;
import io.bulwark.policies.model.Policy;
import io.bulwark.policies.parse.PolicyException;
import io.bulwark.policies.parse.PolicyParser;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Checks a bundle's config against a tenant's effective policy before anything is created. Every rule is checked
 * and every violation reported; where the policy says {@code tighten}, the config is changed instead and each
 * change reported. The config the container gets is returned only when nothing was violated.
 */
public final class Admission {
    /** The backend a bundle asks for (the policy decides whether it gets it). */
    public static final String BACKEND_ANNOTATION = "io.bulwark.backend";
    /** A policy fragment in a bundle: it can only narrow the tenant's policy. */
    public static final String POLICY_ANNOTATION = "io.bulwark.policy";
    /** Set by admission: the tenant whose policy admitted the container. */
    public static final String TENANT_ANNOTATION = io.bulwark.core.spec.AdmittedTenant.ANNOTATION;
    /** Set by admission: the workload's wall-clock limit in seconds. */
    public static final String WALL_CLOCK_ANNOTATION = WallClockLimit.ANNOTATION;
    /** Set by admission: {@code true} when the container may run on a host without AppArmor. */
    public static final String APPARMOR_OPTIONAL_ANNOTATION = "io.bulwark.apparmor.optional";

    static final long DEFAULT_CPU_PERIOD = 100_000;
    private static final List<String> CAPABILITY_SETS = List.of("bounding", "effective", "inheritable", "permitted", "ambient");
    private static final List<String> NAMESPACE_TYPES = List.of("cgroup", "ipc", "mount", "network", "pid", "time", "uts");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HostNamespaces hostNamespaces;
    private final SeccompProfiles seccompProfiles;
    private final boolean apparmorEnabled;

    /**
     * @param hostNamespaces  recognises the host's namespaces
     * @param seccompProfiles makes the policy's seccomp profiles
     * @param apparmorEnabled whether the host enforces AppArmor profiles
     */
    public Admission(HostNamespaces hostNamespaces, SeccompProfiles seccompProfiles, boolean apparmorEnabled) {
        this.hostNamespaces = hostNamespaces;
        this.seccompProfiles = seccompProfiles;
        this.apparmorEnabled = apparmorEnabled;
    }

    /** Admission against the running host: real namespace inspection, the standard seccomp profiles. */
    public static Admission forHost() {
        return new Admission(HostNamespaces.system(), new StandardSeccompProfiles(), apparmorEnabledOnHost());
    }

    /** AppArmor is enforcing when the module says so ({@code Y}) and its filesystem is there. */
    static boolean apparmorEnabledOnHost() {
        try {
            return Files.readString(Path.of("/sys/module/apparmor/parameters/enabled")).trim().equals("Y")
                && Files.isDirectory(Path.of("/sys/kernel/security/apparmor"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param policy           the tenant's effective policy
     * @param spec             the bundle's parsed config
     * @param bundle           the bundle directory (relative bind sources are relative to it)
     * @param requestedBackend the backend asked for on the command line, or null
     */
    public AdmissionResult admit(EffectivePolicy policy, Spec spec, Path bundle, String requestedBackend) {
        return new Run(policy, spec, bundle).run(requestedBackend);
    }

    /** One admission: the rules, the findings, and the config being tightened (as a JSON tree). */
    private final class Run {
        private final String tenant;
        private Policy p;
        private final Spec spec;
        private final Path bundle;
        private final ObjectNode tree;
        private final List<Violation> violations = new ArrayList<>();
        private final List<Change> changes = new ArrayList<>();

        Run(EffectivePolicy policy, Spec spec, Path bundle) {
            this.tenant = policy.tenant();
            this.p = policy.policy();
            this.spec = spec;
            this.bundle = bundle.toAbsolutePath().normalize();
            this.tree = JSON.valueToTree(spec);
        }

        AdmissionResult run(String requestedBackend) {
            Map<String, String> annotations = spec.annotations() == null ? Map.of() : spec.annotations();
            narrowByAnnotation(annotations.get(POLICY_ANNOTATION));
            String backend = backend(requestedBackend, annotations.get(BACKEND_ANNOTATION));
            Process process = spec.process();
            Linux linux = spec.linux() == null ? emptyLinux() : spec.linux();
            identity(process, linux);
            if (process != null) {
                capabilities(process.capabilities());
                noNewPrivileges(process.noNewPrivileges());
                apparmor(process.apparmorProfile());
            }
            mounts(spec.mounts() == null ? List.of() : spec.mounts());
            devices(linux);
            namespaces(linux.namespaces() == null ? List.of() : linux.namespaces());
            resources(linux.resources());
            hooks(spec.hooks());
            // last: the built-in profiles depend on the capabilities the container ends up with
            seccomp(linux.seccomp(), annotations.get(DefaultSeccompFilter.ANNOTATION));

            if (!violations.isEmpty()) {
                return new AdmissionResult(tenant, Decision.REFUSED, null, backend, List.copyOf(violations),
                    List.copyOf(changes), p.wallClockLimitSeconds(), Boolean.TRUE.equals(p.apparmor().mayBeAbsent()));
            }
            ObjectNode ann = object(tree, "annotations");
            ann.put(BACKEND_ANNOTATION, backend);
            ann.put(TENANT_ANNOTATION, tenant);
            ann.remove(List.of(WALL_CLOCK_ANNOTATION, APPARMOR_OPTIONAL_ANNOTATION));
            if (p.wallClockLimitSeconds() != null) {
                ann.put(WALL_CLOCK_ANNOTATION, Long.toString(p.wallClockLimitSeconds()));
            }
            if (Boolean.TRUE.equals(p.apparmor().mayBeAbsent())) {
                ann.put(APPARMOR_OPTIONAL_ANNOTATION, "true");
            }
            Spec admitted;
            try {
                admitted = JSON.treeToValue(tree, Spec.class);
            } catch (IOException e) {
                throw new BulwarkException("admission produced a config it cannot read back: " + e.getMessage(), e);
            }
            return new AdmissionResult(tenant, changes.isEmpty() ? Decision.ADMITTED : Decision.TIGHTENED, admitted,
                backend, List.of(), List.copyOf(changes), p.wallClockLimitSeconds(),
                Boolean.TRUE.equals(p.apparmor().mayBeAbsent()));
        }

        private void violation(String path, String rule, String value) {
            violations.add(new Violation(path, rule, value));
        }

        private void change(String path, String rule, Object from, Object to) {
            changes.add(new Change(path, rule, from == null ? "none" : from.toString(), to == null ? "none" : to.toString()));
        }

        private boolean tighten(Enforcement e) {
            return e == Enforcement.TIGHTEN;
        }

        // ---- the bundle's own narrowing --------------------------------------------------------------------

        private void narrowByAnnotation(String fragment) {
            if (fragment == null) {
                return;
            }
            String at = JsonPaths.field("$.annotations", POLICY_ANNOTATION);
            try {
                p = PolicyResolver.narrow(p, PolicyParser.parseFragment(fragment, at), at);
            } catch (PolicyException e) {
                for (SpecProblem problem : e.problems()) {
                    violation(at, "annotations", problem.path() + ": " + problem.problem());
                }
            }
        }

        // ---- backend ------------------------------------------------------------------------------------------

        private String backend(String requested, String annotated) {
            String asked = requested != null ? requested : annotated;
            if (asked == null) {
                change(JsonPaths.field("$.annotations", BACKEND_ANNOTATION), "backend.default", null,
                    p.backend().defaultBackend());
                return p.backend().defaultBackend();
            }
            if (!p.backend().allowed().contains(asked)) {
                violation(requested != null ? "--backend" : JsonPaths.field("$.annotations", BACKEND_ANNOTATION),
                    "backend.allowed", "backend " + JsonPaths.printable(asked) + " (allowed: " + p.backend().allowed() + ")");
            }
            return asked;
        }

        // ---- identity -----------------------------------------------------------------------------------------

        private void identity(Process process, Linux linux) {
            var rule = p.identity();
            List<Namespace> namespaces = linux.namespaces() == null ? List.of() : linux.namespaces();
            int userAt = indexOf(namespaces, "user");
            boolean required = Boolean.TRUE.equals(rule.userNamespace());
            if (userAt < 0) {
                if (required) {
                    if (tighten(rule.enforcement()) && rule.uidRange() != null && rule.gidRange() != null) {
                        addUserNamespace(rule.uidRange(), rule.gidRange());
                    } else {
                        violation("$.linux.namespaces", "identity.userNamespace",
                            "no user namespace: uid 0 inside would be root on the host");
                    }
                }
            } else if (namespaces.get(userAt).path() != null) {
                if (required) {
                    violation("$.linux.namespaces[" + userAt + "].path", "identity.userNamespace",
                        "joins the user namespace " + JsonPaths.printable(namespaces.get(userAt).path())
                            + " whose mappings cannot be checked");
                }
            } else {
                mappings("$.linux.uidMappings", linux.uidMappings(), rule.uidRange(), "identity.uidRange", required);
                mappings("$.linux.gidMappings", linux.gidMappings(), rule.gidRange(), "identity.gidRange", required);
            }
            List<Mount> mounts = spec.mounts() == null ? List.of() : spec.mounts();
            for (int i = 0; i < mounts.size(); i++) {
                Mount m = mounts.get(i);
                mappings("$.mounts[" + i + "].uidMappings", m.uidMappings(), rule.uidRange(), "identity.uidRange", required);
                mappings("$.mounts[" + i + "].gidMappings", m.gidMappings(), rule.gidRange(), "identity.gidRange", required);
            }
            if (Boolean.FALSE.equals(rule.rootInside()) && process != null) {
                Long uid = process.user() == null ? null : process.user().uid();
                if (uid == null || uid == 0) {
                    violation("$.process.user.uid", "identity.rootInside", "uid " + (uid == null ? "0 (by default)" : "0"));
                }
            }
        }

        private void addUserNamespace(IdRange uids, IdRange gids) {
            ArrayNode ns = array(object(tree, "linux"), "namespaces");
            ns.addObject().put("type", "user");
            long uidSize = Math.min(uids.size(), 65536);
            long gidSize = Math.min(gids.size(), 65536);
            ObjectNode linuxNode = object(tree, "linux");
            linuxNode.putArray("uidMappings").addObject().put("containerID", 0).put("hostID", uids.hostID()).put("size", uidSize);
            linuxNode.putArray("gidMappings").addObject().put("containerID", 0).put("hostID", gids.hostID()).put("size", gidSize);
            change("$.linux.namespaces", "identity.userNamespace", "no user namespace", "user namespace mapping 0 to host "
                + uids.hostID() + " (" + uidSize + " uids) and " + gids.hostID() + " (" + gidSize + " gids)");
        }

        private void mappings(String path, List<IdMapping> list, IdRange range, String rule, boolean userNamespaceRequired) {
            if (list == null) {
                return;
            }
            for (int i = 0; i < list.size(); i++) {
                IdMapping m = list.get(i);
                if (m == null || m.hostID() == null || m.size() == null) {
                    continue; // the config validator reports incomplete mappings
                }
                String at = JsonPaths.index(path, i);
                String ids = "host ids " + m.hostID() + ".." + (m.hostID() + m.size() - 1);
                if (range != null && !range.contains(m.hostID(), m.size())) {
                    violation(at, rule, ids + " (allowed: " + range.hostID() + ".." + (range.hostID() + range.size() - 1) + ")");
                } else if (range == null && userNamespaceRequired && m.hostID() == 0) {
                    violation(at, rule, ids + " include host root (0)");
                }
            }
        }

        // ---- process ------------------------------------------------------------------------------------------

        private void capabilities(Capabilities caps) {
            if (caps == null) {
                return;
            }
            List<String> allowed = p.capabilities().allowed();
            boolean tighten = tighten(p.capabilities().enforcement());
            Map<String, List<String>> sets = new LinkedHashMap<>();
            sets.put("bounding", caps.bounding());
            sets.put("effective", caps.effective());
            sets.put("inheritable", caps.inheritable());
            sets.put("permitted", caps.permitted());
            sets.put("ambient", caps.ambient());
            for (String set : CAPABILITY_SETS) {
                List<String> asked = sets.get(set);
                if (asked == null) {
                    continue;
                }
                String path = "$.process.capabilities." + set;
                List<String> kept = new ArrayList<>();
                for (int i = 0; i < asked.size(); i++) {
                    String cap = asked.get(i);
                    if (allowed.contains(cap)) {
                        kept.add(cap);
                    } else if (!tighten) {
                        violation(JsonPaths.index(path, i), "capabilities.allowed", String.valueOf(cap));
                    }
                }
                if (tighten && kept.size() != asked.size()) {
                    ArrayNode node = object(object(tree, "process"), "capabilities").putArray(set);
                    kept.forEach(node::add);
                    List<String> dropped = new ArrayList<>(asked);
                    dropped.removeAll(kept);
                    change(path, "capabilities.allowed", asked, kept + " (dropped " + dropped + ")");
                }
            }
        }

        private void noNewPrivileges(Boolean asked) {
            if (Boolean.TRUE.equals(p.noNewPrivileges()) && !Boolean.TRUE.equals(asked)) {
                object(tree, "process").put("noNewPrivileges", true);
                change("$.process.noNewPrivileges", "noNewPrivileges", asked, true);
            }
        }

        private void apparmor(String asked) {
            String profile = p.apparmor().profile();
            boolean mayBeAbsent = Boolean.TRUE.equals(p.apparmor().mayBeAbsent());
            String wanted = profile != null ? profile : asked;
            if (wanted == null) {
                return;
            }
            if (!apparmorEnabled) {
                if (!mayBeAbsent) {
                    violation("$.process.apparmorProfile", "apparmor.mayBeAbsent",
                        "AppArmor profile " + JsonPaths.printable(wanted) + " on a host without AppArmor");
                } else if (asked != null) {
                    object(tree, "process").remove("apparmorProfile");
                    change("$.process.apparmorProfile", "apparmor.mayBeAbsent", asked,
                        "none (this host has no AppArmor)");
                }
                return;
            }
            if (!wanted.equals(asked)) {
                object(tree, "process").put("apparmorProfile", wanted);
                change("$.process.apparmorProfile", "apparmor.profile", asked, wanted);
            }
        }

        // ---- seccomp ------------------------------------------------------------------------------------------

        private void seccomp(Seccomp asked, String optOut) {
            var rule = p.seccomp();
            boolean bundleMayReplace = Boolean.TRUE.equals(rule.bundleMayReplace());
            String name = rule.profile().json() + (rule.file() == null ? "" : " " + rule.file());
            String optOutPath = JsonPaths.field("$.annotations", DefaultSeccompFilter.ANNOTATION);
            boolean unconfined = DefaultSeccompFilter.UNCONFINED.equals(optOut);
            if (unconfined && !bundleMayReplace) {
                if (tighten(rule.enforcement())) {
                    object(tree, "annotations").remove(DefaultSeccompFilter.ANNOTATION);
                    change(optOutPath, "seccomp.bundleMayReplace", optOut, "removed");
                } else {
                    violation(optOutPath, "seccomp.bundleMayReplace", "running without seccomp (the policy's profile is "
                        + name + ")");
                }
            }
            if (asked == null && unconfined && bundleMayReplace) {
                return; // the policy lets the bundle choose, and it chose no filter
            }
            if (asked != null && bundleMayReplace) {
                return;
            }
            Seccomp wanted = seccompProfiles.profile(rule.profile(), rule.file(), finalCapabilities());
            if (asked == null) {
                object(tree, "linux").set("seccomp", JSON.valueToTree(wanted));
                change("$.linux.seccomp", "seccomp.profile", null, "profile " + name);
            } else if (!asked.equals(wanted)) {
                if (tighten(rule.enforcement())) {
                    object(tree, "linux").set("seccomp", JSON.valueToTree(wanted));
                    change("$.linux.seccomp", "seccomp.bundleMayReplace", "the bundle's own profile", "profile " + name);
                } else {
                    violation("$.linux.seccomp", "seccomp.bundleMayReplace",
                        "its own seccomp profile (the policy's is " + name + ")");
                }
            }
        }

        /** The capabilities as admission leaves them (after any were dropped). */
        private Capabilities finalCapabilities() {
            JsonNode caps = tree.path("process").path("capabilities");
            try {
                return caps.isObject() ? JSON.treeToValue(caps, Capabilities.class) : null;
            } catch (IOException e) {
                throw new BulwarkException("cannot read back the capabilities: " + e.getMessage(), e);
            }
        }

        // ---- mounts -------------------------------------------------------------------------------------------

        private void mounts(List<Mount> mounts) {
            var rule = p.mounts();
            for (int i = 0; i < mounts.size(); i++) {
                Mount m = mounts.get(i);
                String at = "$.mounts[" + i + "]";
                List<String> options = m.options() == null ? List.of() : m.options();
                boolean bind = "bind".equals(m.type()) || options.contains("bind") || options.contains("rbind");
                String kind = bind ? "bind" : m.type();
                if (kind == null) {
                    violation(at + ".type", "mounts.types", "a mount without a filesystem type");
                } else if (!rule.types().contains(kind)) {
                    violation(at + (bind && !"bind".equals(m.type()) ? ".options" : ".type"), "mounts.types",
                        "filesystem type " + JsonPaths.printable(kind) + " (allowed: " + rule.types() + ")");
                }
                if (bind) {
                    bindSource(i, m, options);
                }
            }
        }

        private void bindSource(int index, Mount m, List<String> options) {
            String at = "$.mounts[" + index + "].source";
            if (m.source() == null || m.source().indexOf('\0') >= 0) {
                violation(at, "mounts.hostPaths", "a bind mount without a usable source");
                return;
            }
            Path normal = bundle.resolve(m.source()).normalize();
            Path real = realPath(normal);
            String shown = JsonPaths.printable(m.source()) + (real.equals(Path.of(m.source())) ? "" : " (" + real + ")");
            for (String f : p.mounts().forbidden()) {
                Path forbidden = Path.of(f);
                for (Path candidate : List.of(normal, real)) {
                    if (candidate.startsWith(forbidden) || forbidden.startsWith(candidate)) {
                        String how = candidate.equals(forbidden) ? "" : candidate.startsWith(forbidden)
                            ? " (inside forbidden " + f + ")" : " (contains forbidden " + f + ")";
                        violation(at, "mounts.forbidden", "host bind of " + shown + how);
                        return;
                    }
                }
            }
            if (real.startsWith(realPath(bundle)) && normal.startsWith(bundle)) {
                return; // the bundle's own files
            }
            boolean readOnly = options.contains("ro") || options.contains("rro");
            HostPath allowing = null;
            for (HostPath h : p.mounts().hostPaths()) {
                if (real.startsWith(Path.of(h.path())) && (allowing == null || allowing.mustBeReadOnly())) {
                    allowing = h;
                }
            }
            if (allowing == null) {
                violation(at, "mounts.hostPaths", "host bind of " + shown + " (allowed: "
                    + p.mounts().hostPaths().stream().map(HostPath::path).toList() + ")");
            } else if (allowing.mustBeReadOnly() && !readOnly) {
                if (tighten(p.mounts().enforcement())) {
                    List<String> tightened = new ArrayList<>(options);
                    tightened.removeAll(List.of("rw", "rrw"));
                    tightened.add("ro");
                    ArrayNode node = ((ObjectNode) tree.get("mounts").get(index)).putArray("options");
                    tightened.forEach(node::add);
                    change("$.mounts[" + index + "].options", "mounts.hostPaths[].readOnly", options, tightened);
                } else {
                    violation("$.mounts[" + index + "].options", "mounts.hostPaths[].readOnly",
                        "read-write bind of " + shown + " (allowed read-only)");
                }
            }
        }

        // ---- devices ------------------------------------------------------------------------------------------

        private void devices(Linux linux) {
            var rule = p.devices();
            boolean tighten = tighten(rule.enforcement());
            if (linux.devices() != null) {
                List<Integer> dropped = new ArrayList<>();
                for (int i = 0; i < linux.devices().size(); i++) {
                    Device d = linux.devices().get(i);
                    if (d != null && !allowedDevice(d.type(), d.major(), d.minor(), "rwm")) {
                        String what = "device " + d.type() + " " + d.major() + ":" + d.minor() + " " + d.path();
                        if (tighten) {
                            dropped.add(i);
                            change("$.linux.devices[" + i + "]", "devices.allowed", what, "removed");
                        } else {
                            violation("$.linux.devices[" + i + "]", "devices.allowed", what);
                        }
                    }
                }
                removeAll((ArrayNode) tree.get("linux").get("devices"), dropped);
            }
            Resources r = linux.resources();
            if (r != null && r.devices() != null) {
                List<Integer> dropped = new ArrayList<>();
                for (int i = 0; i < r.devices().size(); i++) {
                    DeviceRule d = r.devices().get(i);
                    if (d == null || !Boolean.TRUE.equals(d.allow())) {
                        continue; // denying is always allowed
                    }
                    String type = d.type() == null ? "a" : d.type();
                    String access = d.access() == null ? "rwm" : d.access();
                    if (!allowedDevice(type, d.major(), d.minor(), access)) {
                        String what = "allow " + type + " " + (d.major() == null ? "*" : d.major()) + ":"
                            + (d.minor() == null ? "*" : d.minor()) + " " + access;
                        if (tighten) {
                            dropped.add(i);
                            change("$.linux.resources.devices[" + i + "]", "devices.allowed", what, "removed");
                        } else {
                            violation("$.linux.resources.devices[" + i + "]", "devices.allowed", what);
                        }
                    }
                }
                removeAll((ArrayNode) tree.get("linux").get("resources").get("devices"), dropped);
            }
        }

        private boolean allowedDevice(String type, Long major, Long minor, String access) {
            for (DeviceAllowance a : p.devices().allowed()) {
                if ("a".equals(type)) {
                    // a rule for any type needs both kinds allowed
                    if (a.covers("c", major, minor, access) && allowedDevice("b", major, minor, access)) {
                        return true;
                    }
                } else if (a.covers(type, major, minor, access)) {
                    return true;
                }
            }
            return false;
        }

        // ---- namespaces ---------------------------------------------------------------------------------------

        private void namespaces(List<Namespace> namespaces) {
            var rule = p.namespaces();
            NetworkMode network = p.network().mode();
            for (String type : NAMESPACE_TYPES) {
                boolean isNetwork = "network".equals(type);
                boolean mayShare = isNetwork ? network == NetworkMode.HOST : rule.hostShared().contains(type);
                boolean mayJoin = isNetwork ? network != NetworkMode.NONE : rule.joinable().contains(type);
                String ruleName = isNetwork ? "network.mode" : null;
                int at = indexOf(namespaces, type);
                if (at < 0) {
                    if (mayShare) {
                        continue;
                    }
                    if (tighten(rule.enforcement())) {
                        array(object(tree, "linux"), "namespaces").addObject().put("type", type);
                        change("$.linux.namespaces", ruleName != null ? ruleName : "namespaces.hostShared",
                            "the host's " + type + " namespace", "a new " + type + " namespace");
                    } else {
                        violation("$.linux.namespaces", ruleName != null ? ruleName : "namespaces.hostShared",
                            "the host's " + type + " namespace (no " + type + " namespace in the list)");
                    }
                    continue;
                }
                String path = namespaces.get(at).path();
                if (path == null) {
                    continue;
                }
                String where = "$.linux.namespaces[" + at + "].path";
                if (hostNamespaces.isHost(type, path)) {
                    if (!mayShare) {
                        violation(where, ruleName != null ? ruleName : "namespaces.hostShared",
                            "the host's " + type + " namespace (" + JsonPaths.printable(path) + ")");
                    }
                } else if (!mayJoin && !mayShare) {
                    violation(where, ruleName != null ? ruleName : "namespaces.joinable",
                        "joining the " + type + " namespace " + JsonPaths.printable(path));
                }
            }
        }

        // ---- resources ----------------------------------------------------------------------------------------

        private void resources(Resources asked) {
            var rule = p.resources();
            boolean tighten = tighten(rule.enforcement());
            if (rule.memory() != null) {
                memory(asked == null ? null : asked.memory(), rule.memory().max(), rule.memory().defaultLimit(), tighten);
            }
            if (rule.cpu() != null) {
                cpu(asked == null ? null : asked.cpu(), rule.cpu().max(), rule.cpu().defaultCpus(), tighten);
            }
            if (rule.pids() != null) {
                Long limit = asked == null || asked.pids() == null ? null : asked.pids().limit();
                Long max = rule.pids().max();
                Long def = rule.pids().defaultLimit() != null ? rule.pids().defaultLimit() : max;
                ceiling("$.linux.resources.pids.limit", "resources.pids", limit == null || limit <= 0 ? null : limit,
                    limit != null && limit <= 0, max, def, tighten, v -> Long.toString(v),
                    v -> object(resourcesNode(), "pids").put("limit", v));
            }
            for (IoCeiling c : rule.blockIO()) {
                var io = asked == null ? null : asked.blockIO();
                throttle("throttleReadBpsDevice", io == null ? null : io.throttleReadBpsDevice(), c,
                    c.readBps() == null ? null : c.readBps().bytes(), tighten);
                throttle("throttleWriteBpsDevice", io == null ? null : io.throttleWriteBpsDevice(), c,
                    c.writeBps() == null ? null : c.writeBps().bytes(), tighten);
                throttle("throttleReadIOPSDevice", io == null ? null : io.throttleReadIOPSDevice(), c, c.readIops(), tighten);
                throttle("throttleWriteIOPSDevice", io == null ? null : io.throttleWriteIOPSDevice(), c, c.writeIops(), tighten);
            }
        }

        private void memory(MemoryResources asked, ByteSize max, ByteSize def, boolean tighten) {
            Long limit = asked == null ? null : asked.limit();
            Long maxBytes = max == null ? null : max.bytes();
            Long defBytes = def != null ? Long.valueOf(def.bytes()) : maxBytes;
            Function<Long, String> show = v -> v + " bytes (" + humanBytes(v) + ")";
            ceiling("$.linux.resources.memory.limit", "resources.memory", limit == null || limit < 0 ? null : limit,
                limit != null && limit < 0, maxBytes, defBytes, tighten, show,
                v -> object(resourcesNode(), "memory").put("limit", v));
            Long swap = asked == null ? null : asked.swap();
            if (swap != null && maxBytes != null && (swap < 0 || swap > maxBytes)) {
                String value = swap < 0 ? "unlimited swap" : "memory+swap " + show.apply(swap);
                if (tighten) {
                    object(resourcesNode(), "memory").put("swap", maxBytes);
                    change("$.linux.resources.memory.swap", "resources.memory.max", value, show.apply(maxBytes));
                } else {
                    violation("$.linux.resources.memory.swap", "resources.memory.max", value + " above the ceiling "
                        + show.apply(maxBytes));
                }
            }
        }

        private void cpu(CpuResources asked, BigDecimal max, BigDecimal def, boolean tighten) {
            Long quota = asked == null ? null : asked.quota();
            long period = asked == null || asked.period() == null || asked.period() <= 0 ? DEFAULT_CPU_PERIOD : asked.period();
            Long maxQuota = max == null ? null : quotaFor(max, period);
            Long defQuota = def != null ? quotaFor(def, period) : maxQuota;
            final long finalPeriod = period;
            Function<Long, String> show = q -> new BigDecimal(q).divide(BigDecimal.valueOf(finalPeriod), 3,
                RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + " CPUs (quota " + q + " / period " + finalPeriod + ")";
            ceiling("$.linux.resources.cpu.quota", "resources.cpu", quota == null || quota <= 0 ? null : quota,
                quota != null && quota <= 0, maxQuota, defQuota, tighten, show, v -> {
                    ObjectNode cpu = object(resourcesNode(), "cpu");
                    cpu.put("quota", v);
                    cpu.put("period", finalPeriod);
                });
        }

        private long quotaFor(BigDecimal cpus, long period) {
            return Math.max(1000, cpus.multiply(BigDecimal.valueOf(period)).setScale(0, RoundingMode.DOWN).longValueExact());
        }

        /**
         * One ceiling: a value above it (or an explicit "unlimited") is refused or capped; no value at all gets the
         * default.
         */
        private void ceiling(String path, String rule, Long value, boolean unlimited, Long max, Long def, boolean tighten,
            Function<Long, String> show, java.util.function.LongConsumer set) {
            if (value == null && !unlimited) {
                if (def != null) {
                    set.accept(def);
                    change(path, rule + ".default", null, show.apply(def));
                }
                return;
            }
            if (max == null || (value != null && value <= max)) {
                return;
            }
            String asked = unlimited ? "unlimited" : show.apply(value);
            if (tighten) {
                set.accept(max);
                change(path, rule + ".max", asked, show.apply(max));
            } else {
                violation(path, rule + ".max", asked + " above the ceiling " + show.apply(max));
            }
        }

        private void throttle(String field, List<ThrottleDevice> asked, IoCeiling c, Long max, boolean tighten) {
            if (max == null) {
                return;
            }
            String base = "$.linux.resources.blockIO." + field;
            List<ThrottleDevice> list = asked == null ? List.of() : asked;
            for (int i = 0; i < list.size(); i++) {
                ThrottleDevice t = list.get(i);
                if (t == null || !Objects.equals(t.major(), c.major()) || !Objects.equals(t.minor(), c.minor())) {
                    continue;
                }
                Long rate = t.rate();
                if (rate == null || rate <= 0 || rate > max) {
                    String value = "device " + c.major() + ":" + c.minor() + " " + (rate == null || rate <= 0 ? "unlimited" : rate);
                    if (tighten) {
                        ((ObjectNode) array(object(resourcesNode(), "blockIO"), field).get(i)).put("rate", max);
                        change(JsonPaths.index(base, i) + ".rate", "resources.blockIO", value, max);
                    } else {
                        violation(JsonPaths.index(base, i) + ".rate", "resources.blockIO", value + " above the ceiling " + max);
                    }
                }
                return;
            }
            array(object(resourcesNode(), "blockIO"), field).addObject()
                .put("major", c.major()).put("minor", c.minor()).put("rate", max);
            change(base, "resources.blockIO", null, "device " + c.major() + ":" + c.minor() + " " + max);
        }

        private ObjectNode resourcesNode() {
            return object(object(tree, "linux"), "resources");
        }

        // ---- hooks --------------------------------------------------------------------------------------------

        private void hooks(Hooks hooks) {
            if (hooks == null) {
                return;
            }
            var rule = p.hooks();
            Map<String, List<Hook>> lists = new LinkedHashMap<>();
            lists.put("prestart", hooks.prestart());
            lists.put("createRuntime", hooks.createRuntime());
            lists.put("createContainer", hooks.createContainer());
            lists.put("startContainer", hooks.startContainer());
            lists.put("poststart", hooks.poststart());
            lists.put("poststop", hooks.poststop());
            for (var e : lists.entrySet()) {
                List<Hook> list = e.getValue() == null ? List.of() : e.getValue();
                List<Integer> dropped = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    Hook h = list.get(i);
                    String path = h == null ? null : h.path();
                    if (Boolean.TRUE.equals(rule.allowed()) && path != null && rule.paths().contains(path)) {
                        continue;
                    }
                    String at = "$.hooks." + e.getKey() + "[" + i + "]";
                    String what = "hook " + JsonPaths.printable(String.valueOf(path));
                    if (tighten(rule.enforcement())) {
                        dropped.add(i);
                        change(at, Boolean.TRUE.equals(rule.allowed()) ? "hooks.paths" : "hooks.allowed", what, "removed");
                    } else {
                        violation(at, Boolean.TRUE.equals(rule.allowed()) ? "hooks.paths" : "hooks.allowed", what);
                    }
                }
                removeAll((ArrayNode) tree.get("hooks").get(e.getKey()), dropped);
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static Linux emptyLinux() {
        return new Linux(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static int indexOf(List<Namespace> namespaces, String type) {
        for (int i = 0; i < namespaces.size(); i++) {
            if (namespaces.get(i) != null && type.equals(namespaces.get(i).type())) {
                return i;
            }
        }
        return -1;
    }

    private static ObjectNode object(ObjectNode parent, String field) {
        JsonNode node = parent.get(field);
        return node instanceof ObjectNode o ? o : parent.putObject(field);
    }

    private static ArrayNode array(ObjectNode parent, String field) {
        JsonNode node = parent.get(field);
        return node instanceof ArrayNode a ? a : parent.putArray(field);
    }

    private static void removeAll(ArrayNode array, List<Integer> indices) {
        for (int i = indices.size() - 1; i >= 0; i--) {
            array.remove(indices.get(i));
        }
    }

    /** Resolves symlinks of the longest existing prefix, so a link out of a harmless place is seen for what it is. */
    static Path realPath(Path path) {
        Path existing = path;
        Path rest = Path.of("");
        while (existing != null) {
            try {
                return existing.toRealPath().resolve(rest).normalize();
            } catch (IOException | SecurityException e) {
                rest = existing.getFileName() == null ? rest : existing.getFileName().resolve(rest);
                existing = existing.getParent();
            }
        }
        return path;
    }

    static String humanBytes(long bytes) {
        return new ByteSize(Math.max(0, bytes)).toString();
    }
}
