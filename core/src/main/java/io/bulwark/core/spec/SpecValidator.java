package io.bulwark.core.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Checks a parsed configuration against what the OCI runtime spec (1.2) says MUST hold on Linux, plus the
 * refusals runc makes (a hostname without a UTS namespace, a sysctl outside the container's namespaces).
 * Every problem is collected, not only the first, each with the file and its JSON path.
 *
 * <p>The checks are syntactic: whether a path exists, a capability can be granted or a seccomp profile compiles
 * is decided later, by the code that does it.
 */
public final class SpecValidator {
    private static final System.Logger LOG = io.bulwark.core.LazyLogger.of("io.bulwark.core.spec");

    /** SemVer 2.0.0, restricted to major version 1. */
    private static final Pattern OCI_VERSION = Pattern.compile(
        "1\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})"
            + "(-(0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(\\.(0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?"
            + "(\\+[0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*)?");
    private static final Pattern SEMVER_ANY_MAJOR = Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
        + "(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?");
    private static final Pattern CPU_LIST = Pattern.compile("\\d{1,5}(-\\d{1,5})?(,\\d{1,5}(-\\d{1,5})?)*");
    private static final Pattern HUGEPAGE_SIZE = Pattern.compile("\\d{1,6}[KMG]B");
    private static final Pattern SYSCTL_KEY = Pattern.compile("[A-Za-z0-9_-]+([./][A-Za-z0-9_-]+)*");
    private static final long UINT32_MAX = 0xffff_ffffL;
    private static final int HOST_NAME_MAX = 64;

    private final String file;
    private final List<SpecProblem> problems = new ArrayList<>();
    private final List<SpecProblem> missing = new ArrayList<>();

    private SpecValidator(String file) {
        this.file = file;
    }

    /** Throws a {@link SpecException} listing every problem of {@code spec}, or returns when there is none. */
    public static void validate(Spec spec, String file) {
        List<SpecProblem> found = problems(spec, file);
        if (!found.isEmpty()) {
            throw new SpecException(found);
        }
    }

    /** Every problem of {@code spec} (missing required fields first), empty when it is valid. */
    public static List<SpecProblem> problems(Spec spec, String file) {
        SpecValidator v = new SpecValidator(file);
        v.spec(spec);
        List<SpecProblem> all = new ArrayList<>(v.missing);
        all.addAll(v.problems);
        return all;
    }

    /** Only the required fields that are missing: the part of validation that {@link SpecParser} applies. */
    static List<SpecProblem> requiredFields(Spec spec, String file) {
        SpecValidator v = new SpecValidator(file);
        v.spec(spec);
        return v.missing;
    }

    private void problem(String path, String message) {
        problems.add(new SpecProblem(file, path, message));
    }

    /** Records a missing required field; returns whether the value is present. */
    private boolean required(Object value, String path) {
        if (value == null) {
            missing.add(new SpecProblem(file, path, "required field is missing"));
            return false;
        }
        return true;
    }

    private static String f(String parent, String name) {
        return JsonPaths.field(parent, name);
    }

    private static String i(String parent, int index) {
        return JsonPaths.index(parent, index);
    }

    private <T> void each(List<T> list, String path, BiConsumer<T, String> check) {
        if (list == null) {
            return;
        }
        for (int n = 0; n < list.size(); n++) {
            T item = list.get(n);
            if (item == null) {
                problem(i(path, n), "must not be null");
            } else {
                check.accept(item, i(path, n));
            }
        }
    }

    // ---- top level ----

    private void spec(Spec spec) {
        String root = JsonPaths.ROOT;
        if (required(spec.ociVersion(), f(root, "ociVersion"))) {
            ociVersion(spec.ociVersion(), f(root, "ociVersion"));
        }
        if (required(spec.root(), f(root, "root"))) {
            root(spec.root(), f(root, "root"));
        }
        Set<String> namespaces = namespaceTypes(spec.linux());
        if (spec.process() != null) {
            process(spec.process(), f(root, "process"), namespaces);
        }
        if (spec.hostname() != null) {
            uname(spec.hostname(), f(root, "hostname"), namespaces);
        }
        if (spec.domainname() != null) {
            uname(spec.domainname(), f(root, "domainname"), namespaces);
        }
        each(spec.mounts(), f(root, "mounts"), (m, p) -> mount(m, p, namespaces));
        if (spec.hooks() != null) {
            hooks(spec.hooks(), f(root, "hooks"));
        }
        if (spec.annotations() != null) {
            for (Map.Entry<String, String> e : spec.annotations().entrySet()) {
                if (e.getKey() == null || e.getKey().isEmpty()) {
                    problem(f(root, "annotations"), "annotation keys must not be empty");
                }
            }
        }
        if (spec.linux() != null) {
            linux(spec.linux(), f(root, "linux"), namespaces);
        }
    }

    private void ociVersion(String version, String path) {
        if (OCI_VERSION.matcher(version).matches()) {
            int minor = Integer.parseInt(version.substring(2, version.indexOf('.', 2)));
            if (minor > 2) {
                LOG.log(System.Logger.Level.DEBUG,
                    "configuration declares ociVersion {0}, newer than the {1} Bulwark implements",
                    version, SpecNames.OCI_VERSION_MAX);
            }
        } else if (SEMVER_ANY_MAJOR.matcher(version).matches()) {
            problem(path, "unsupported ociVersion \"" + JsonPaths.printable(version)
                + "\": Bulwark implements the 1.x series");
        } else {
            problem(path, "\"" + JsonPaths.printable(version) + "\" is not a SemVer 2.0.0 version");
        }
    }

    private void root(Root root, String path) {
        if (required(root.path(), f(path, "path"))) {
            if (root.path().isEmpty()) {
                problem(f(path, "path"), "must not be empty");
            }
            noNul(root.path(), f(path, "path"));
        }
    }

    // ---- process ----

    private void process(Process process, String path, Set<String> namespaces) {
        if (required(process.cwd(), f(path, "cwd"))) {
            absolute(process.cwd(), f(path, "cwd"));
        }
        if (required(process.args(), f(path, "args"))) {
            if (process.args().isEmpty()) {
                problem(f(path, "args"), "must contain at least the executable");
            } else if (process.args().get(0) != null && process.args().get(0).isEmpty()) {
                problem(i(f(path, "args"), 0), "the executable must not be empty");
            }
            each(process.args(), f(path, "args"), this::noNul);
        }
        if (process.consoleSize() != null) {
            ConsoleSize size = process.consoleSize();
            String sp = f(path, "consoleSize");
            if (required(size.height(), f(sp, "height"))) {
                nonNegative(size.height(), f(sp, "height"));
            }
            if (required(size.width(), f(sp, "width"))) {
                nonNegative(size.width(), f(sp, "width"));
            }
        }
        if (process.user() != null) {
            user(process.user(), f(path, "user"));
        }
        each(process.env(), f(path, "env"), this::envEntry);
        if (process.capabilities() != null) {
            capabilities(process.capabilities(), f(path, "capabilities"));
        }
        rlimits(process.rlimits(), f(path, "rlimits"));
        if (process.oomScoreAdj() != null && (process.oomScoreAdj() < -1000 || process.oomScoreAdj() > 1000)) {
            problem(f(path, "oomScoreAdj"), "must be between -1000 and 1000, not " + process.oomScoreAdj());
        }
        if (process.scheduler() != null) {
            scheduler(process.scheduler(), f(path, "scheduler"));
        }
        if (process.ioPriority() != null) {
            IoPriority io = process.ioPriority();
            String ip = f(path, "ioPriority");
            if (required(io.klass(), f(ip, "class"))) {
                oneOf(io.klass(), SpecNames.IO_PRIORITY_CLASSES, f(ip, "class"), "I/O priority class");
            }
            if (required(io.priority(), f(ip, "priority")) && (io.priority() < 0 || io.priority() > 7)) {
                problem(f(ip, "priority"), "must be between 0 and 7, not " + io.priority());
            }
        }
        if (process.execCPUAffinity() != null) {
            ExecCpuAffinity a = process.execCPUAffinity();
            cpuList(a.initial(), f(f(path, "execCPUAffinity"), "initial"));
            cpuList(a.finalAffinity(), f(f(path, "execCPUAffinity"), "final"));
        }
        if (process.apparmorProfile() != null) {
            noNul(process.apparmorProfile(), f(path, "apparmorProfile"));
        }
        if (process.selinuxLabel() != null) {
            noNul(process.selinuxLabel(), f(path, "selinuxLabel"));
        }
    }

    private void user(User user, String path) {
        if (required(user.uid(), f(path, "uid"))) {
            uint32(user.uid(), f(path, "uid"));
        }
        if (required(user.gid(), f(path, "gid"))) {
            uint32(user.gid(), f(path, "gid"));
        }
        if (user.umask() != null && (user.umask() < 0 || user.umask() > 0777)) {
            problem(f(path, "umask"), "must be between 0 and 0777 (511), not " + user.umask());
        }
        each(user.additionalGids(), f(path, "additionalGids"), this::uint32);
    }

    private void envEntry(String entry, String path) {
        int eq = entry.indexOf('=');
        if (eq < 0) {
            problem(path, "must have the form KEY=VALUE");
        } else if (eq == 0) {
            problem(path, "the variable name must not be empty");
        }
        noNul(entry, path);
    }

    private void capabilities(Capabilities caps, String path) {
        capabilitySet(caps.bounding(), f(path, "bounding"));
        capabilitySet(caps.effective(), f(path, "effective"));
        capabilitySet(caps.inheritable(), f(path, "inheritable"));
        capabilitySet(caps.permitted(), f(path, "permitted"));
        capabilitySet(caps.ambient(), f(path, "ambient"));
    }

    private void capabilitySet(List<String> set, String path) {
        each(set, path, (cap, p) -> oneOf(cap, SpecNames.CAPABILITIES, p, "capability"));
    }

    private void rlimits(List<Rlimit> rlimits, String path) {
        Map<String, Integer> seen = new HashMap<>();
        each(rlimits, path, (r, p) -> {
            if (required(r.type(), f(p, "type"))) {
                oneOf(r.type(), SpecNames.RLIMITS, f(p, "type"), "rlimit type");
                Integer first = seen.putIfAbsent(r.type(), seen.size());
                if (first != null) {
                    problem(f(p, "type"), "duplicate rlimit " + JsonPaths.printable(r.type()));
                }
            }
            boolean soft = required(r.soft(), f(p, "soft"));
            boolean hard = required(r.hard(), f(p, "hard"));
            if (soft && hard && Long.compareUnsigned(r.soft(), r.hard()) > 0) {
                problem(f(p, "soft"), "soft limit " + Long.toUnsignedString(r.soft())
                    + " is above the hard limit " + Long.toUnsignedString(r.hard()));
            }
        });
    }

    private void scheduler(Scheduler s, String path) {
        if (required(s.policy(), f(path, "policy"))) {
            oneOf(s.policy(), SpecNames.SCHEDULER_POLICIES, f(path, "policy"), "scheduler policy");
        }
        if (s.nice() != null && (s.nice() < -20 || s.nice() > 19)) {
            problem(f(path, "nice"), "must be between -20 and 19, not " + s.nice());
        }
        each(s.flags(), f(path, "flags"), (flag, p) -> oneOf(flag, SpecNames.SCHEDULER_FLAGS, p, "scheduler flag"));
        for (String name : List.of("runtime", "deadline", "period")) {
            Long v = switch (name) {
                case "runtime" -> s.runtime();
                case "deadline" -> s.deadline();
                default -> s.period();
            };
            if (v != null && v < 0) {
                problem(f(path, name), "must not be negative");
            }
        }
    }

    // ---- hostname, mounts, hooks ----

    private void uname(String name, String path, Set<String> namespaces) {
        if (!namespaces.contains("uts")) {
            problem(path, "can only be set with a UTS namespace (add {\"type\": \"uts\"} to linux.namespaces)");
        }
        if (name.length() > HOST_NAME_MAX) {
            problem(path, "longer than " + HOST_NAME_MAX + " characters");
        }
        noNul(name, path);
    }

    private void mount(Mount mount, String path, Set<String> namespaces) {
        if (required(mount.destination(), f(path, "destination"))) {
            String dest = mount.destination();
            if (dest.isEmpty()) {
                problem(f(path, "destination"), "must not be empty");
            } else if (!dest.startsWith("/")) {
                LOG.log(System.Logger.Level.DEBUG,
                    "{0}: relative mount destination {1} is taken relative to / (deprecated)", path, dest);
            }
            noNul(dest, f(path, "destination"));
        }
        if (mount.source() != null) {
            noNul(mount.source(), f(path, "source"));
        }
        if (mount.type() != null) {
            noNul(mount.type(), f(path, "type"));
        }
        List<String> options = mount.options() == null ? List.of() : mount.options();
        each(mount.options(), f(path, "options"), this::noNul);
        boolean bind = options.contains("bind") || options.contains("rbind");
        if (bind && mount.source() == null) {
            problem(f(path, "source"), "a bind mount needs a source");
        }
        boolean hasUid = mount.uidMappings() != null;
        boolean hasGid = mount.gidMappings() != null;
        if (hasUid != hasGid) {
            problem(f(path, hasUid ? "gidMappings" : "uidMappings"),
                "uidMappings and gidMappings must be given together");
        }
        idMappings(mount.uidMappings(), f(path, "uidMappings"));
        idMappings(mount.gidMappings(), f(path, "gidMappings"));
        boolean idmap = options.contains("idmap") || options.contains("ridmap");
        if (idmap && !hasUid && !hasGid && !namespaces.contains("user")) {
            problem(f(path, "options"), "an idmap mount needs uidMappings/gidMappings or a user namespace");
        }
    }

    private void hooks(Hooks hooks, String path) {
        hookList(hooks.prestart(), f(path, "prestart"));
        hookList(hooks.createRuntime(), f(path, "createRuntime"));
        hookList(hooks.createContainer(), f(path, "createContainer"));
        hookList(hooks.startContainer(), f(path, "startContainer"));
        hookList(hooks.poststart(), f(path, "poststart"));
        hookList(hooks.poststop(), f(path, "poststop"));
    }

    private void hookList(List<Hook> list, String path) {
        each(list, path, (hook, p) -> {
            if (required(hook.path(), f(p, "path"))) {
                absolute(hook.path(), f(p, "path"));
            }
            each(hook.args(), f(p, "args"), this::noNul);
            each(hook.env(), f(p, "env"), this::envEntry);
            if (hook.timeout() != null && hook.timeout() <= 0) {
                problem(f(p, "timeout"), "must be greater than zero, not " + hook.timeout());
            }
        });
    }

    // ---- linux ----

    /** The namespace types the container has (created or joined); the host's are used for the others. */
    private static Set<String> namespaceTypes(Linux linux) {
        Set<String> types = new HashSet<>();
        if (linux != null && linux.namespaces() != null) {
            for (Namespace ns : linux.namespaces()) {
                if (ns != null && ns.type() != null) {
                    types.add(ns.type());
                }
            }
        }
        return types;
    }

    private void linux(Linux linux, String path, Set<String> namespaces) {
        boolean newUserNs = false;
        Set<String> seen = new HashSet<>();
        List<Namespace> nsList = linux.namespaces();
        if (nsList != null) {
            for (int n = 0; n < nsList.size(); n++) {
                Namespace ns = nsList.get(n);
                String p = i(f(path, "namespaces"), n);
                if (ns == null) {
                    problem(p, "must not be null");
                    continue;
                }
                if (required(ns.type(), f(p, "type"))) {
                    oneOf(ns.type(), SpecNames.NAMESPACES, f(p, "type"), "namespace type");
                    if (!seen.add(ns.type())) {
                        problem(f(p, "type"), "duplicate namespace " + JsonPaths.printable(ns.type()));
                    }
                    if ("user".equals(ns.type()) && ns.path() == null) {
                        newUserNs = true;
                    }
                }
                if (ns.path() != null) {
                    absolute(ns.path(), f(p, "path"));
                }
            }
        }
        idMappings(linux.uidMappings(), f(path, "uidMappings"));
        idMappings(linux.gidMappings(), f(path, "gidMappings"));
        boolean mapped = linux.uidMappings() != null && !linux.uidMappings().isEmpty()
            || linux.gidMappings() != null && !linux.gidMappings().isEmpty();
        if (newUserNs) {
            if (linux.uidMappings() == null || linux.uidMappings().isEmpty()) {
                problem(f(path, "uidMappings"), "a new user namespace needs uid mappings");
            }
            if (linux.gidMappings() == null || linux.gidMappings().isEmpty()) {
                problem(f(path, "gidMappings"), "a new user namespace needs gid mappings");
            }
        } else if (mapped) {
            problem(f(path, linux.uidMappings() != null && !linux.uidMappings().isEmpty()
                ? "uidMappings" : "gidMappings"), "id mappings need a new user namespace in linux.namespaces");
        }
        if (linux.timeOffsets() != null) {
            timeOffsets(linux.timeOffsets(), f(path, "timeOffsets"), namespaces);
        }
        devices(linux.devices(), f(path, "devices"));
        if (linux.cgroupsPath() != null) {
            noNul(linux.cgroupsPath(), f(path, "cgroupsPath"));
            for (String part : linux.cgroupsPath().split("/")) {
                if (part.equals("..")) {
                    problem(f(path, "cgroupsPath"), "must not contain \"..\"");
                    break;
                }
            }
        }
        if (linux.resources() != null) {
            resources(linux.resources(), f(path, "resources"));
        }
        if (linux.rootfsPropagation() != null && !linux.rootfsPropagation().isEmpty()) {
            oneOf(linux.rootfsPropagation(), SpecNames.ROOTFS_PROPAGATION, f(path, "rootfsPropagation"),
                "rootfs propagation");
        }
        if (linux.seccomp() != null) {
            seccomp(linux.seccomp(), f(path, "seccomp"));
        }
        if (linux.sysctl() != null) {
            sysctls(linux.sysctl(), f(path, "sysctl"), namespaces);
        }
        each(linux.maskedPaths(), f(path, "maskedPaths"), this::absolute);
        each(linux.readonlyPaths(), f(path, "readonlyPaths"), this::absolute);
        if (linux.mountLabel() != null) {
            noNul(linux.mountLabel(), f(path, "mountLabel"));
        }
        if (linux.personality() != null) {
            Personality pers = linux.personality();
            String pp = f(path, "personality");
            if (required(pers.domain(), f(pp, "domain"))) {
                oneOf(pers.domain(), SpecNames.PERSONALITY_DOMAINS, f(pp, "domain"), "personality domain");
            }
            if (pers.flags() != null && !pers.flags().isEmpty()) {
                problem(f(pp, "flags"), "no personality flags are supported");
            }
        }
    }

    private void idMappings(List<IdMapping> mappings, String path) {
        if (mappings == null) {
            return;
        }
        if (mappings.size() > SpecNames.MAX_ID_MAPPINGS) {
            problem(path, "more than " + SpecNames.MAX_ID_MAPPINGS + " mappings (the kernel's limit)");
        }
        List<long[]> inside = new ArrayList<>();
        List<long[]> outside = new ArrayList<>();
        each(mappings, path, (m, p) -> {
            boolean c = required(m.containerID(), f(p, "containerID")) && uint32(m.containerID(), f(p, "containerID"));
            boolean h = required(m.hostID(), f(p, "hostID")) && uint32(m.hostID(), f(p, "hostID"));
            boolean s = required(m.size(), f(p, "size")) && uint32(m.size(), f(p, "size"));
            if (s && m.size() == 0) {
                problem(f(p, "size"), "must be greater than zero");
                return;
            }
            if (!(c && h && s)) {
                return;
            }
            if (m.containerID() + m.size() - 1 > UINT32_MAX) {
                problem(f(p, "size"), "containerID + size runs past the 32-bit id space");
            }
            if (m.hostID() + m.size() - 1 > UINT32_MAX) {
                problem(f(p, "size"), "hostID + size runs past the 32-bit id space");
            }
            long[] in = {m.containerID(), m.containerID() + m.size()};
            long[] out = {m.hostID(), m.hostID() + m.size()};
            for (int n = 0; n < inside.size(); n++) {
                if (overlap(in, inside.get(n))) {
                    problem(f(p, "containerID"), "container ids overlap another mapping");
                    break;
                }
            }
            for (int n = 0; n < outside.size(); n++) {
                if (overlap(out, outside.get(n))) {
                    problem(f(p, "hostID"), "host ids overlap another mapping");
                    break;
                }
            }
            inside.add(in);
            outside.add(out);
        });
    }

    private static boolean overlap(long[] a, long[] b) {
        return a[0] < b[1] && b[0] < a[1];
    }

    private void timeOffsets(Map<String, TimeOffset> offsets, String path, Set<String> namespaces) {
        if (!offsets.isEmpty() && !namespaces.contains("time")) {
            problem(path, "time offsets need a time namespace in linux.namespaces");
        }
        for (Map.Entry<String, TimeOffset> e : offsets.entrySet()) {
            String p = f(path, e.getKey());
            oneOf(e.getKey(), SpecNames.TIME_CLOCKS, p, "clock");
            TimeOffset t = e.getValue();
            if (t != null && t.nanosecs() != null && (t.nanosecs() < 0 || t.nanosecs() >= 1_000_000_000L)) {
                problem(f(p, "nanosecs"), "must be between 0 and 999999999");
            }
        }
    }

    private void devices(List<Device> devices, String path) {
        each(devices, path, (d, p) -> {
            if (required(d.type(), f(p, "type"))) {
                oneOf(d.type(), SpecNames.DEVICE_TYPES, f(p, "type"), "device type");
            }
            if (required(d.path(), f(p, "path"))) {
                absolute(d.path(), f(p, "path"));
            }
            if (!"p".equals(d.type())) {
                if (required(d.major(), f(p, "major"))) {
                    deviceNumber(d.major(), f(p, "major"));
                }
                if (required(d.minor(), f(p, "minor"))) {
                    deviceNumber(d.minor(), f(p, "minor"));
                }
            }
            if (d.fileMode() != null && (d.fileMode() < 0 || d.fileMode() > 07777)) {
                problem(f(p, "fileMode"), "must be a permission mode between 0 and 07777 (4095)");
            }
            if (d.uid() != null) {
                uint32(d.uid(), f(p, "uid"));
            }
            if (d.gid() != null) {
                uint32(d.gid(), f(p, "gid"));
            }
        });
    }

    private void deviceNumber(long n, String path) {
        if (n < 0 || n > UINT32_MAX) {
            problem(path, "must be between 0 and 4294967295, not " + n);
        }
    }

    private void resources(Resources r, String path) {
        each(r.devices(), f(path, "devices"), (d, p) -> {
            required(d.allow(), f(p, "allow"));
            if (d.type() != null) {
                oneOf(d.type(), SpecNames.DEVICE_RULE_TYPES, f(p, "type"), "device rule type");
            }
            if (d.major() != null && d.major() < -1) {
                problem(f(p, "major"), "must not be negative");
            }
            if (d.minor() != null && d.minor() < -1) {
                problem(f(p, "minor"), "must not be negative");
            }
            if (d.access() != null && !d.access().matches("[rwm]{0,3}")) {
                problem(f(p, "access"), "must be made of r, w and m");
            }
        });
        if (r.memory() != null && r.memory().swappiness() != null
                && (r.memory().swappiness() < 0 || r.memory().swappiness() > 100)) {
            problem(f(f(path, "memory"), "swappiness"), "must be between 0 and 100");
        }
        if (r.cpu() != null) {
            CpuResources cpu = r.cpu();
            String cp = f(path, "cpu");
            cpuList(cpu.cpus(), f(cp, "cpus"));
            cpuList(cpu.mems(), f(cp, "mems"));
            if (cpu.quota() != null && cpu.burst() != null && cpu.quota() > 0 && cpu.burst() > cpu.quota()) {
                problem(f(cp, "burst"), "must not be larger than quota");
            }
            if (cpu.idle() != null && cpu.idle() != 0 && cpu.idle() != 1) {
                problem(f(cp, "idle"), "must be 0 or 1");
            }
        }
        if (r.pids() != null) {
            required(r.pids().limit(), f(f(path, "pids"), "limit"));
        }
        if (r.blockIO() != null) {
            String bp = f(path, "blockIO");
            each(r.blockIO().weightDevice(), f(bp, "weightDevice"), (w, p) -> {
                required(w.major(), f(p, "major"));
                required(w.minor(), f(p, "minor"));
                if (w.weight() == null && w.leafWeight() == null) {
                    problem(p, "needs weight or leafWeight");
                }
            });
            for (String list : List.of("throttleReadBpsDevice", "throttleWriteBpsDevice", "throttleReadIOPSDevice",
                    "throttleWriteIOPSDevice")) {
                List<ThrottleDevice> devices = switch (list) {
                    case "throttleReadBpsDevice" -> r.blockIO().throttleReadBpsDevice();
                    case "throttleWriteBpsDevice" -> r.blockIO().throttleWriteBpsDevice();
                    case "throttleReadIOPSDevice" -> r.blockIO().throttleReadIOPSDevice();
                    default -> r.blockIO().throttleWriteIOPSDevice();
                };
                each(devices, f(bp, list), (t, p) -> {
                    required(t.major(), f(p, "major"));
                    required(t.minor(), f(p, "minor"));
                    required(t.rate(), f(p, "rate"));
                });
            }
        }
        each(r.hugepageLimits(), f(path, "hugepageLimits"), (h, p) -> {
            if (required(h.pageSize(), f(p, "pageSize")) && !HUGEPAGE_SIZE.matcher(h.pageSize()).matches()) {
                problem(f(p, "pageSize"), "must look like 64KB, 2MB or 1GB");
            }
            required(h.limit(), f(p, "limit"));
        });
        if (r.network() != null) {
            each(r.network().priorities(), f(f(path, "network"), "priorities"), (n, p) -> {
                required(n.name(), f(p, "name"));
                required(n.priority(), f(p, "priority"));
            });
        }
        if (r.rdma() != null) {
            for (Map.Entry<String, RdmaLimit> e : r.rdma().entrySet()) {
                RdmaLimit l = e.getValue();
                if (l != null && l.hcaHandles() == null && l.hcaObjects() == null) {
                    problem(f(f(path, "rdma"), e.getKey()), "needs hcaHandles or hcaObjects");
                }
            }
        }
        if (r.unified() != null) {
            for (String key : r.unified().keySet()) {
                if (key.isEmpty() || key.contains("/") || key.equals("..") || key.equals(".")) {
                    problem(f(f(path, "unified"), key), "must name a file of the container's cgroup");
                }
            }
        }
    }

    private void seccomp(Seccomp s, String path) {
        if (required(s.defaultAction(), f(path, "defaultAction"))) {
            oneOf(s.defaultAction(), SpecNames.SECCOMP_ACTIONS, f(path, "defaultAction"), "seccomp action");
            if ("SCMP_ACT_NOTIFY".equals(s.defaultAction())) {
                problem(f(path, "defaultAction"), "SCMP_ACT_NOTIFY cannot be the default action");
            }
            if (s.defaultErrnoRet() != null && !SpecNames.SECCOMP_ERRNO_ACTIONS.contains(s.defaultAction())) {
                problem(f(path, "defaultErrnoRet"), "the default action " + JsonPaths.printable(s.defaultAction())
                    + " takes no errno");
            }
        }
        if (s.defaultErrnoRet() != null) {
            errno(s.defaultErrnoRet(), f(path, "defaultErrnoRet"));
        }
        each(s.architectures(), f(path, "architectures"),
            (a, p) -> oneOf(a, SpecNames.SECCOMP_ARCHES, p, "seccomp architecture"));
        each(s.flags(), f(path, "flags"), (fl, p) -> oneOf(fl, SpecNames.SECCOMP_FLAGS, p, "seccomp flag"));
        if (s.listenerMetadata() != null && s.listenerPath() == null) {
            problem(f(path, "listenerMetadata"), "must not be set without listenerPath");
        }
        if (s.listenerPath() != null) {
            absolute(s.listenerPath(), f(path, "listenerPath"));
        }
        each(s.syscalls(), f(path, "syscalls"), (rule, p) -> {
            if (required(rule.names(), f(p, "names"))) {
                if (rule.names().isEmpty()) {
                    problem(f(p, "names"), "must contain at least one syscall name");
                }
                each(rule.names(), f(p, "names"), (name, np) -> {
                    if (!name.matches("[a-z0-9_]{1,64}")) {
                        problem(np, "\"" + JsonPaths.printable(name) + "\" is not a syscall name");
                    }
                });
            }
            if (required(rule.action(), f(p, "action"))) {
                oneOf(rule.action(), SpecNames.SECCOMP_ACTIONS, f(p, "action"), "seccomp action");
                if (rule.errnoRet() != null && !SpecNames.SECCOMP_ERRNO_ACTIONS.contains(rule.action())) {
                    problem(f(p, "errnoRet"), "the action " + JsonPaths.printable(rule.action()) + " takes no errno");
                }
                if ("SCMP_ACT_NOTIFY".equals(rule.action()) && s.listenerPath() == null) {
                    problem(f(p, "action"), "SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
                }
            }
            if (rule.errnoRet() != null) {
                errno(rule.errnoRet(), f(p, "errnoRet"));
            }
            each(rule.args(), f(p, "args"), (arg, ap) -> {
                if (required(arg.index(), f(ap, "index")) && (arg.index() < 0 || arg.index() > 5)) {
                    problem(f(ap, "index"), "must be between 0 and 5, not " + arg.index());
                }
                required(arg.value(), f(ap, "value"));
                if (required(arg.op(), f(ap, "op"))) {
                    oneOf(arg.op(), SpecNames.SECCOMP_OPERATORS, f(ap, "op"), "seccomp operator");
                }
            });
        });
    }

    private void errno(long errno, String path) {
        if (errno < 0 || errno > 4095) {
            problem(path, "must be an errno between 0 and 4095, not " + errno);
        }
    }

    /**
     * runc's rule: a sysctl is allowed only when it belongs to a namespace the container has of its own
     * ({@code net.*}: network; the System V IPC ones and {@code fs.mqueue.*}: ipc; {@code kernel.domainname}:
     * uts); everything else would change the host.
     */
    private void sysctls(Map<String, String> sysctls, String path, Set<String> namespaces) {
        for (Map.Entry<String, String> e : sysctls.entrySet()) {
            String key = e.getKey();
            String p = f(path, key);
            if (!SYSCTL_KEY.matcher(key).matches() || key.contains("..")) {
                problem(p, "\"" + JsonPaths.printable(key) + "\" is not a sysctl name");
                continue;
            }
            String name = key.replace('/', '.');
            String needs;
            if (name.startsWith("net.")) {
                needs = "network";
            } else if (SpecNames.IPC_SYSCTLS.contains(name) || name.startsWith("fs.mqueue.")) {
                needs = "ipc";
            } else if (name.equals("kernel.domainname")) {
                needs = "uts";
            } else {
                String why = name.equals("kernel.hostname") ? " (set the hostname field instead)" : "";
                problem(p, "sysctl is not namespaced: it would change the host" + why);
                continue;
            }
            if (!namespaces.contains(needs)) {
                problem(p, "sysctl needs a " + needs + " namespace of the container's own");
            }
            if (e.getValue() != null) {
                noNul(e.getValue(), p);
            }
        }
    }

    // ---- small checks ----

    private void oneOf(String value, java.util.Collection<String> known, String path, String what) {
        if (!known.contains(value)) {
            problem(path, "unknown " + what + " \"" + JsonPaths.printable(value) + "\"");
        }
    }

    private void absolute(String value, String path) {
        if (!value.startsWith("/")) {
            problem(path, "must be an absolute path, not \"" + JsonPaths.printable(value) + "\"");
        }
        noNul(value, path);
    }

    private void noNul(String value, String path) {
        if (value.indexOf('\0') >= 0) {
            problem(path, "must not contain a NUL character");
        }
    }

    private boolean uint32(Long value, String path) {
        if (value < 0 || value > UINT32_MAX) {
            problem(path, "must be between 0 and 4294967295, not " + value);
            return false;
        }
        return true;
    }

    private void nonNegative(Integer value, String path) {
        if (value < 0) {
            problem(path, "must not be negative");
        }
    }

    private void cpuList(String list, String path) {
        if (list != null && !list.isEmpty() && !CPU_LIST.matcher(list).matches()) {
            problem(path, "\"" + JsonPaths.printable(list) + "\" is not a list like 0-3,7");
        }
    }
}
