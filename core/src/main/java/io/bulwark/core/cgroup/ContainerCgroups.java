package io.bulwark.core.cgroup;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.plan.CgroupView;
import io.bulwark.core.rootless.Caller;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.spec.SpecProblem;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A container's cgroup over its life, as the runtime uses it: made and limited before the init runs any setup,
 * joined by exec'd processes, signalled as a whole, removed at delete. The cgroup's location is kept in the
 * container's state directory ({@value #FILE}), written before the cgroup is made, so a later command (or a delete
 * after a crash) finds it.
 */
public final class ContainerCgroups {
    public static final String FILE = "cgroup.json";
    /** cgroup.json is read and written with the streaming API: every command on a container reads it. */
    private static final JsonFactory JSON = new JsonFactory();
    private static final int SIGKILL = 9;
    private static final System.Logger LOG = io.bulwark.core.LazyLogger.of("io.bulwark.cgroup");

    private final Supplier<CgroupEnvironment> environment;
    private final Caller caller;
    private final Supplier<CgroupDelegation> delegation;
    private CgroupEnvironment env;
    private RootlessCgroups rootless;

    /** Uses the host's cgroups, detected on first use; without root, only what is delegated to this process's uid. */
    public ContainerCgroups() {
        this(CgroupEnvironment::host, Caller.current(), null);
    }

    /** A runtime running as root, with the cgroups {@code environment} gives. */
    public ContainerCgroups(Supplier<CgroupEnvironment> environment) {
        this(environment, new Caller(0, 0), null);
    }

    /**
     * For {@code caller}: as root, {@code environment}; otherwise only {@code delegation} (null: detected on the
     * host on first use), see {@link RootlessCgroups}.
     */
    public ContainerCgroups(Supplier<CgroupEnvironment> environment, Caller caller,
                            Supplier<CgroupDelegation> delegation) {
        this.environment = environment;
        this.caller = caller;
        this.delegation = delegation != null ? delegation : () -> CgroupDelegation.host(caller);
    }

    private synchronized RootlessCgroups rootless() {
        if (rootless == null) {
            rootless = new RootlessCgroups(caller, delegation.get());
        }
        return rootless;
    }

    private synchronized CgroupEnvironment env() {
        if (env == null) {
            env = caller.rootless() ? rootless().delegation().unified() : environment.get();
            if (env == null) {
                throw new BulwarkException("no cgroup v2 hierarchy on this host for uid " + caller.uid(), 2);
            }
        }
        return env;
    }

    /**
     * What stops container {@code id} before anything is made: without root, each limit that no delegated
     * controller can enforce (see {@link RootlessCgroups}); as root, nothing (the managers refuse what the host
     * lacks as they apply it, and nothing is left behind either way).
     */
    public List<SpecProblem> problems(Linux linux, Map<String, String> annotations, String file) {
        return caller.rootless() ? rootless().problems(linux, annotations, file) : List.of();
    }

    /**
     * Makes the cgroup of container {@code id}, sets every limit of {@code linux} and moves {@code initPid} into it.
     * The limits are in force before the process joins. On failure nothing is left behind.
     */
    public CgroupManager place(String id, Path stateDir, Linux linux, int initPid) {
        return place(id, stateDir, linux, Map.of(), initPid);
    }

    /**
     * {@link #place(String, Path, Linux, int)} with the config's annotations. Without root: in the delegated
     * subtree, or no cgroup at all (null) when none is delegated; limits that cannot be enforced are refused
     * unless the config opted out ({@link RootlessCgroups#warnAllowed}), then they are left out with a warning.
     */
    public CgroupManager place(String id, Path stateDir, Linux linux, Map<String, String> annotations, int initPid) {
        String cgroupsPath = linux == null ? null : linux.cgroupsPath();
        CgroupManager m;
        if (caller.rootless()) {
            RootlessCgroups rl = rootless();
            Resources asked = linux == null ? null : linux.resources();
            List<RequestedLimit> missing = rl.unenforceable(asked);
            if (!missing.isEmpty()) {
                if (!RootlessCgroups.warnAllowed(annotations)) {
                    throw new BulwarkException("container " + id + ": " + missing.get(0).path() + ": "
                        + rl.reason(missing.get(0)), 95);
                }
                LOG.log(System.Logger.Level.WARNING, rl.warning(id, missing));
            }
            if (!rl.delegation().usable()) {
                return null; // runc's rootless rule: no cgroup; kill --all walks the pid namespace instead
            }
            Resources r = rl.enforceable(asked);
            // no device filter: an unprivileged caller cannot load one, and needs none (see RootlessCgroups)
            linux = withResources(linux, r == null ? null : new Resources(null, r.memory(), r.cpu(), r.pids(),
                r.blockIO(), r.hugepageLimits(), r.network(), r.rdma(), r.unified()));
            m = env().open(rl.location(id, cgroupsPath));
        } else {
            m = env().manager(id, cgroupsPath);
        }
        save(stateDir, m.location());
        try {
            m.create();
            if (caller.rootless()) {
                m.update(linux == null ? null : linux.resources()); // the limits alone
            } else {
                m.apply(linux);
            }
            m.addProcess(initPid);
            return m;
        } catch (RuntimeException e) {
            try {
                m.destroy();
                Files.deleteIfExists(stateDir.resolve(FILE));
            } catch (RuntimeException | IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * What a {@code cgroup} mount shows container {@code id} (see {@link CgroupView}): on a v1 host each hierarchy
     * mounted here, named as on the host, bound from the directory {@link #place} will put the container in; a
     * controller's symlink to a combined hierarchy ({@code cpu -> cpu,cpuacct}) is kept where the host has it.
     */
    public CgroupView view(String id, Linux linux) {
        if (caller.rootless()) {
            return CgroupView.UNIFIED;
        }
        CgroupEnvironment e = env();
        if (e.version() != CgroupVersion.V1) {
            return CgroupView.UNIFIED;
        }
        CgroupLocation location = CgroupLocation.resolve(e, id, linux == null ? null : linux.cgroupsPath());
        Map<String, String> hierarchies = new TreeMap<>();
        Map<String, String> links = new TreeMap<>();
        e.hierarchies().forEach((controller, hierarchy) -> {
            hierarchies.put(hierarchy, e.fs().root().resolve(location.dirs().get(controller)).toString());
            if (!controller.equals(hierarchy) && e.fs().exists(controller)) {
                links.put(controller, hierarchy);
            }
        });
        return new CgroupView(hierarchies, links);
    }

    /** The container's cgroup, when it has one recorded in {@code stateDir}. */
    public Optional<CgroupManager> open(Path stateDir) {
        return load(stateDir).map(location -> env().open(location));
    }

    /** The container's cgroup, or an error saying it has none. */
    public CgroupManager require(String id, Path stateDir) {
        return open(stateDir).orElseThrow(() -> new BulwarkException("container " + id + " has no cgroup", 2));
    }

    /** True when the container has a cgroup and it is frozen (or freezing): runc's "paused". */
    public boolean isPaused(Path stateDir) {
        if (!Files.exists(stateDir.resolve(FILE))) {
            return false; // no cgroup (another backend, or not made yet): never paused
        }
        return open(stateDir).filter(CgroupManager::exists)
            .map(m -> m.freezerState() != FreezerState.THAWED).orElse(false);
    }

    /** Moves an exec'd process into the container's cgroup (no-op for a container without one). */
    public void join(Path stateDir, int pid) {
        open(stateDir).ifPresent(m -> m.addProcess(pid));
    }

    /** Every process in the container's cgroup; empty when it has none. */
    public List<Integer> processes(Path stateDir) {
        return open(stateDir).filter(CgroupManager::exists).map(CgroupManager::pids).orElse(List.of());
    }

    /**
     * Kills whatever is left in the container's cgroup and removes it. Safe to repeat, and after a crash at any
     * point of {@link #place}.
     */
    public void remove(Path stateDir) {
        Optional<CgroupManager> m = open(stateDir);
        if (m.isEmpty()) {
            return;
        }
        if (m.get().exists()) {
            m.get().killAll(SIGKILL);
        }
        m.get().destroy();
        try {
            Files.deleteIfExists(stateDir.resolve(FILE));
        } catch (IOException e) {
            throw new BulwarkException("cannot remove " + stateDir.resolve(FILE) + ": " + e.getMessage(), 5);
        }
    }

    private static Linux withResources(Linux l, Resources r) {
        if (l == null || l.resources() == r) {
            return l;
        }
        return new Linux(l.namespaces(), l.uidMappings(), l.gidMappings(), l.timeOffsets(), l.devices(),
            l.cgroupsPath(), r, l.rootfsPropagation(), l.seccomp(), l.sysctl(), l.maskedPaths(), l.readonlyPaths(),
            l.mountLabel(), l.personality());
    }

    static void save(Path stateDir, CgroupLocation location) {
        Path target = stateDir.resolve(FILE);
        Path tmp = stateDir.resolve(FILE + ".tmp");
        try {
            Files.createDirectories(stateDir);
            Files.write(tmp, encode(location));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new BulwarkException("cannot write " + target + ": " + e.getMessage(), 5);
        }
    }

    static Optional<CgroupLocation> load(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        try {
            return Optional.of(decode(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BulwarkException("cannot read " + file + ": " + e.getMessage(), 5);
        }
    }

    /** {@code {"version":"V1","cgroupsPath":...,"dirs":{...},"isDefault":true}}, the form data binding wrote. */
    static byte[] encode(CgroupLocation location) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("version", location.version().name());
            if (location.cgroupsPath() != null) {
                g.writeStringField("cgroupsPath", location.cgroupsPath());
            }
            g.writeObjectFieldStart("dirs");
            for (Map.Entry<String, String> e : location.dirs().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeBooleanField("isDefault", location.isDefault());
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    static CgroupLocation decode(byte[] json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "expected an object");
            }
            CgroupVersion version = null;
            String path = null;
            Map<String, String> dirs = null;
            boolean isDefault = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "version" -> {
                        String v = t == JsonToken.VALUE_STRING ? p.getText() : "";
                        if (!v.equals("V1") && !v.equals("V2")) {
                            throw new JsonParseException(p, "\"version\" must be \"V1\" or \"V2\"");
                        }
                        version = CgroupVersion.valueOf(v);
                    }
                    case "cgroupsPath" -> {
                        if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NULL) {
                            throw new JsonParseException(p, "\"cgroupsPath\" must be a string");
                        }
                        path = t == JsonToken.VALUE_NULL ? null : p.getText();
                    }
                    case "dirs" -> {
                        if (t != JsonToken.START_OBJECT) {
                            throw new JsonParseException(p, "\"dirs\" must be an object");
                        }
                        dirs = new LinkedHashMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            if (p.nextToken() != JsonToken.VALUE_STRING) {
                                throw new JsonParseException(p, "\"dirs." + key + "\" must be a string");
                            }
                            dirs.put(key, p.getText());
                        }
                    }
                    case "isDefault" -> {
                        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                            throw new JsonParseException(p, "\"isDefault\" must be a boolean");
                        }
                        isDefault = t == JsonToken.VALUE_TRUE;
                    }
                    default -> throw new JsonParseException(p, "unknown field \"" + name + "\"");
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null || version == null
                    || dirs == null) {
                throw new JsonParseException(p, "incomplete cgroup location");
            }
            return new CgroupLocation(version, path, dirs, isDefault);
        }
    }
}
