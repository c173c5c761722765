package io.bulwark.core.api;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.backend.Backend;
import io.bulwark.core.backend.ContainerProcess;
import io.bulwark.core.backend.ContainerRecord;
import io.bulwark.core.backend.CreateRequest;
import io.bulwark.core.backend.ExecRequest;
import io.bulwark.core.hooks.HookRunner;
import io.bulwark.core.cgroup.ContainerCgroups;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spi.SeccompCompiler;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.core.state.ContainerLock;
import io.bulwark.core.state.ContainerState;
import io.bulwark.core.state.ContainerStatus;
import io.bulwark.core.state.OciState;
import io.bulwark.core.state.ProcessInfo;
import io.bulwark.core.state.Rfc3339;
import io.bulwark.core.state.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Bulwark's public Java API: creates, starts, signals, waits for and deletes sandboxed containers. The command
 * line is a thin layer over it; a Java service can use it in-process:
 *
 * <pre>{@code
 * Runtime rt = Runtime.builder().root(Path.of("/run/bulwark")).backend(new LinuxBackend()).build();
 * int exit = rt.run(CreateOptions.of("job-1", bundle));
 * }</pre>
 *
 * Every method takes the container's lock, so concurrent calls on one container (from threads or processes) never
 * interleave. Errors are {@link BulwarkException}s with a one-line message.
 */
public final class Runtime {
    /** Annotation that chooses the backend of a container (when the caller does not). */
    public static final String BACKEND_ANNOTATION = "io.bulwark.backend";
    /** Annotation (set by tenant admission) with the workload's wall-clock limit in seconds. */
    public static final String WALL_CLOCK_ANNOTATION = io.bulwark.core.spec.WallClockLimit.ANNOTATION;

    private static final String ADMITTED_SPEC = "config.json";
    /** Data binding for the stored configuration, made when a command first needs it (not by {@code state}). */
    private static final class Json {
        static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
    }

    private final StateStore store;
    private final Map<String, java.util.function.Supplier<Backend>> backends;
    private final Map<String, Backend> made = new java.util.concurrent.ConcurrentHashMap<>();
    private final String defaultBackend;
    private final List<SpecFilter> filters;
    private final SeccompCompiler seccompCompiler;
    private final ProcessInfo processInfo;
    private final String tenant;
    private HookRunner hookRunner;
    private static final System.Logger LOG = io.bulwark.core.LazyLogger.of("io.bulwark.runtime");
    private final ContainerCgroups cgroups = new ContainerCgroups();

    private Runtime(Builder b) {
        this.store = new StateStore(b.root);
        this.backends = Map.copyOf(b.backends);
        this.defaultBackend = b.defaultBackend;
        this.filters = List.copyOf(b.filters);
        this.seccompCompiler = b.seccompCompiler;
        this.processInfo = b.processInfo;
        this.tenant = b.tenant;
    }

    public static Builder builder() {
        return new Builder();
    }

    public StateStore store() {
        return store;
    }

    /** Loads, validates and admits a bundle's configuration without creating anything (a dry run). */
    public Spec prepare(CreateOptions options) {
        Spec spec = BundleLoader.load(options.bundle());
        for (SpecFilter f : filters) {
            spec = f.apply(spec, options);
        }
        return spec;
    }

    /**
     * Creates a container: its init waits, with every namespace, mount and limit in place, until {@link #start}.
     * On failure nothing is left behind: no process, no state directory.
     */
    public OciState create(CreateOptions options) {
        Objects.requireNonNull(options.id(), "id");
        StateStore.validateId(options.id());
        Path bundle = options.bundle().toAbsolutePath().normalize();
        Spec spec = prepare(options);
        Backend backend = backendFor(options, spec);
        SeccompProgram filter = compileSeccomp(spec, bundle.resolve("config.json").toString());
        try (ContainerLock lock = store.createAndLock(options.id())) {
            Map<String, String> annotations = spec.annotations() == null ? Map.of() : new LinkedHashMap<>(spec.annotations());
            Path rootfs = bundle.resolve(spec.root().path()).normalize();
            ContainerState state = new ContainerState(options.id(), bundle.toString(), rootfs.toString(),
                backend.name(), 0, 0, false, Rfc3339.now(),
                System.getProperty("user.name"), annotations.getOrDefault(io.bulwark.core.spec.AdmittedTenant.ANNOTATION,
                tenant), annotations, null);
            store.write(state);
            saveSpec(lock.dir(), spec);
            ContainerProcess init;
            try {
                init = backend.create(new CreateRequest(options.id(), bundle, spec, lock.dir(),
                    options.consoleSocket(), options.noPivot(), options.preserveFds(),
                    filter == null ? null : filter.filter(), filter == null ? 0 : filter.flags(),
                    filter == null ? null : filter.listenerPath(), filter == null ? null : filter.listenerMetadata(),
                    options.stdio()));
            } catch (RuntimeException e) {
                cleanupFailedCreate(backend, state, lock.dir());
                throw e;
            }
            state = state.withProcess(init.pid(), init.startTime());
            store.write(state);
            if (options.pidFile() != null) {
                writePidFile(options.pidFile(), init.pid());
            }
            return state.toOci(ContainerStatus.CREATED.word(), init.pid());
        }
    }

    private void cleanupFailedCreate(Backend backend, ContainerState state, Path dir) {
        try {
            backend.delete(record(state, dir), true);
        } catch (RuntimeException ignored) {
            // best effort: the original error is what the caller must see
        }
        store.remove(state.id());
    }

    /** Releases a created container's workload. */
    public void start(String id) {
        try (ContainerLock lock = store.lock(id)) {
            ContainerState state = store.require(id);
            ContainerStatus status = status(state);
            if (status != ContainerStatus.CREATED) {
                throw new BulwarkException("cannot start a container that is " + status.word() + " (" + id + ")");
            }
            // recorded first, so that no reader ever sees "created" for a workload that already runs
            store.write(state.withStarted());
            try {
                backendNamed(state.backend()).start(record(state, lock.dir()));
            } catch (RuntimeException e) {
                store.write(state);
                throw e;
            }
            Spec spec = containerSpec(id);
            if (spec.hooks() != null) {
                // OCI: a failing poststart hook is a warning; the container keeps running.
                runHooksWarnOnly("poststart", spec.hooks().poststart(), state.toOci("running", state.pid()));
            }
        }
    }

    private void runHooksWarnOnly(String phase, List<io.bulwark.core.spec.Hook> hooks, OciState ociState) {
        if (hooks == null || hooks.isEmpty()) {
            return;
        }
        try {
            hookRunner().run(phase, hooks, ociState);
        } catch (BulwarkException e) {
            LOG.log(System.Logger.Level.WARNING, phase + " hook failed: " + e.getMessage());
        }
    }

    private HookRunner hookRunner() {
        if (hookRunner == null) {
            hookRunner = new HookRunner();
        }
        return hookRunner;
    }

    /**
     * Creates and starts a container, waits for its workload and deletes it; returns the exit status (128+N for a
     * signal). The caller's stdio is the workload's.
     */
    public int run(CreateOptions options) {
        OciState created = create(options);
        boolean started = false;
        try {
            start(created.id());
            started = true;
            return awaitExit(created.id());
        } finally {
            try {
                delete(created.id(), true);
            } catch (BulwarkException e) {
                if (started) {
                    throw e;
                }
            }
        }
    }

    /**
     * Waits for a container created by this JVM to end; returns its exit status. When admission gave the container
     * a wall-clock limit (annotation {@value #WALL_CLOCK_ANNOTATION}, seconds), every process of the container is
     * killed once it has run that long.
     */
    public int awaitExit(String id) {
        ContainerState state = store.require(id);
        Backend backend = backendNamed(state.backend());
        Long limit = wallClockLimit(state);
        java.util.concurrent.ScheduledExecutorService timer = null;
        if (limit != null) {
            timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "bulwark-wall-clock-" + id);
                t.setDaemon(true);
                return t;
            });
            timer.schedule(() -> {
                LOG.log(System.Logger.Level.WARNING, "container " + id + " reached its wall-clock limit of " + limit
                    + " s: killing it");
                try {
                    kill(id, 9, true);
                } catch (BulwarkException ignored) {
                    // it ended meanwhile
                }
            }, limit, java.util.concurrent.TimeUnit.SECONDS);
        }
        try {
            return backend.awaitExit(new ContainerProcess(state.pid(), state.pidStartTime()));
        } finally {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
    }

    private static Long wallClockLimit(ContainerState state) {
        return io.bulwark.core.spec.WallClockLimit.seconds(state.annotations());
    }

    public OciState state(String id) {
        ContainerState state = store.require(id);
        ContainerStatus status = status(state);
        return state.toOci(status.word(), status == ContainerStatus.STOPPED ? 0 : state.pid());
    }

    /** Every container under the root, with its current status. */
    public List<OciState> list() {
        List<OciState> result = new ArrayList<>();
        for (String id : store.ids()) {
            store.read(id).ifPresent(s -> {
                ContainerStatus status = status(s);
                result.add(s.toOci(status.word(), status == ContainerStatus.STOPPED ? 0 : s.pid()));
            });
        }
        return result;
    }

    /** The full saved state (creation time, owner, backend...), for {@code list}. */
    public ContainerState savedState(String id) {
        return store.require(id);
    }

    public void kill(String id, int signal, boolean all) {
        try (ContainerLock lock = store.lock(id)) {
            ContainerState state = store.require(id);
            ContainerStatus status = status(state);
            if (status == ContainerStatus.STOPPED || status == ContainerStatus.CREATING) {
                throw new BulwarkException("container " + id + " is not running", 3);
            }
            backendNamed(state.backend()).kill(record(state, lock.dir()), signal, all);
        }
    }

    /** Deletes a stopped (or, with force, any) container and everything made for it. */
    public void delete(String id, boolean force) {
        try (ContainerLock lock = store.lock(id)) {
            ContainerState state = store.read(id).orElse(null);
            if (state == null) {
                // a crash between mkdir and the first state write: nothing else can exist
                store.remove(id);
                return;
            }
            ContainerStatus status = status(state);
            if (!force && (status == ContainerStatus.RUNNING || status == ContainerStatus.PAUSED)) {
                throw new BulwarkException("cannot delete container " + id + " that is not stopped: " + status.word());
            }
            backendNamed(state.backend()).delete(record(state, lock.dir()), true);
            Spec spec = savedSpec(lock.dir());
            if (spec != null && spec.hooks() != null) {
                runHooksWarnOnly("poststop", spec.hooks().poststop(), state.toOci("stopped", 0));
            }
            store.remove(id);
        }
    }

    /** Host pids of every process in the container. */
    public List<Integer> processes(String id) {
        ContainerState state = store.require(id);
        if (status(state) == ContainerStatus.STOPPED) {
            return List.of();
        }
        List<Integer> inCgroup = cgroups.processes(store.dir(id));
        return inCgroup.isEmpty() ? ContainerProcesses.inPidNamespaceOf(state.pid()) : inCgroup;
    }

    /** Runs an extra process in a running container; returns it (wait with {@link #awaitProcess}). */
    public ContainerProcess exec(String id, ExecRequest request) {
        try (ContainerLock lock = store.lock(id)) {
            ContainerState state = store.require(id);
            ContainerStatus status = status(state);
            if (status != ContainerStatus.RUNNING && status != ContainerStatus.CREATED) {
                throw new BulwarkException("cannot exec in a container that is " + status.word() + " (" + id + ")");
            }
            return backendNamed(state.backend()).exec(record(state, lock.dir()), request);
        }
    }

    public int awaitProcess(String id, ContainerProcess process) {
        ContainerState state = store.require(id);
        return backendNamed(state.backend()).awaitExit(process);
    }

    /**
     * The configuration the container was created with, after admission: exec uses it, never the bundle's
     * (possibly since edited) config.json.
     */
    public Spec containerSpec(String id) {
        Spec spec = savedSpec(store.dir(id));
        if (spec == null) {
            throw StateStore.notFound(id);
        }
        return spec;
    }

    private static Spec savedSpec(Path dir) {
        Path file = dir.resolve(ADMITTED_SPEC);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            byte[] json = Files.readAllBytes(file);
            Spec spec = io.bulwark.core.spec.SpecParser.bindStored(json);
            return spec != null ? spec : Json.MAPPER.readValue(json, Spec.class);
        } catch (IOException e) {
            throw new BulwarkException(file + ": unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Checks an exec'd process against the same filters (tenant admission) as the container, and returns the
     * process to run (possibly tightened).
     */
    public io.bulwark.core.spec.Process admitExec(String id, io.bulwark.core.spec.Process process) {
        Spec base = containerSpec(id);
        Spec spec = new Spec(base.ociVersion(), process, base.root(), base.hostname(), base.domainname(),
            base.mounts(), base.hooks(), base.annotations(), base.linux());
        ContainerState state = store.require(id);
        CreateOptions options = CreateOptions.of(id, Path.of(state.bundle())).withBackend(state.backend());
        for (SpecFilter f : filters) {
            spec = f.apply(spec, options);
        }
        io.bulwark.core.spec.AdmittedTenant.requireSame("exec", id, base, spec);
        return spec.process();
    }

    /**
     * The container's stored configuration with {@code change} merged into its {@code linux.resources} (what
     * {@code update} leaves in force), checked against the same filters as at create: limits that tenant admission
     * would refuse or tighten are refused, so an update cannot lift a container past its tenant's ceilings.
     */
    public Spec admitUpdate(String id, io.bulwark.core.spec.Resources change) {
        Spec stored = containerSpec(id);
        Spec updated = io.bulwark.core.cgroup.ResourceUpdate.apply(stored, change);
        ContainerState state = store.require(id);
        CreateOptions options = CreateOptions.of(id, Path.of(state.bundle())).withBackend(state.backend());
        Spec admitted = updated;
        for (SpecFilter f : filters) {
            admitted = f.apply(admitted, options);
        }
        io.bulwark.core.spec.AdmittedTenant.requireSame("update", id, stored, admitted);
        var wanted = updated.linux().resources();
        var allowed = admitted.linux() == null ? null : admitted.linux().resources();
        if (!Objects.equals(wanted, allowed)) {
            throw new BulwarkException("update: the tenant policy does not admit these limits (it would change "
                + "linux.resources to " + Json.MAPPER.valueToTree(allowed) + ")", 1);
        }
        return updated;
    }

    /**
     * Replaces the container's stored configuration (after {@code update}), atomically: a crash leaves the old one
     * or the new one. The caller holds the container's lock.
     */
    public void saveUpdatedSpec(String id, Spec spec) {
        Path dir = store.dir(id);
        Path tmp = dir.resolve(ADMITTED_SPEC + ".tmp");
        try {
            Files.writeString(tmp, io.bulwark.core.spec.SpecWriter.toJson(spec));
            Files.move(tmp, dir.resolve(ADMITTED_SPEC), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BulwarkException("cannot save the container's configuration: " + e.getMessage(), e);
        }
    }

    private static void saveSpec(Path dir, Spec spec) {
        try {
            Files.writeString(dir.resolve(ADMITTED_SPEC), io.bulwark.core.spec.SpecWriter.toJson(spec));
        } catch (IOException e) {
            throw new BulwarkException("cannot save the container's configuration: " + e.getMessage(), e);
        }
    }

    /**
     * The compiled seccomp filter of a configuration (for exec: the container's admitted one, so the new process
     * gets the same filter as the init), or null when it has none.
     */
    public SeccompProgram compileSeccomp(Spec spec, String source) {
        if (spec.linux() == null || spec.linux().seccomp() == null) {
            return null;
        }
        if (seccompCompiler == null) {
            throw new BulwarkException(source + ": $.linux.seccomp: seccomp support is not available");
        }
        return seccompCompiler.compile(spec.linux().seccomp(), source, "$.linux.seccomp");
    }

    ContainerStatus status(ContainerState state) {
        if (state.pid() <= 0) {
            return ContainerStatus.CREATING;
        }
        if (!processInfo.isAlive(state.pid(), state.pidStartTime())) {
            return ContainerStatus.STOPPED;
        }
        if (!state.started()) {
            return ContainerStatus.CREATED;
        }
        return cgroups.isPaused(store.dir(state.id())) ? ContainerStatus.PAUSED : ContainerStatus.RUNNING;
    }

    private ContainerRecord record(ContainerState state, Path dir) {
        return new ContainerRecord(state.id(), Path.of(state.bundle()), dir, state.backend(),
            new ContainerProcess(state.pid(), state.pidStartTime()), state.annotations());
    }

    private Backend backendFor(CreateOptions options, Spec spec) {
        String name = options.backend();
        if (name == null && spec.annotations() != null) {
            name = spec.annotations().get(BACKEND_ANNOTATION);
        }
        return backendNamed(name == null ? defaultBackend : name);
    }

    private Backend backendNamed(String name) {
        java.util.function.Supplier<Backend> supplier = name == null ? null : backends.get(name);
        if (supplier == null) {
            throw new BulwarkException("unknown backend '" + name + "' (available: " + backends.keySet() + ")");
        }
        // made on first use: a command that never touches the vm backend never loads KVM bindings
        return made.computeIfAbsent(name, n -> supplier.get());
    }

    private static void writePidFile(Path file, int pid) {
        try {
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(tmp, Integer.toString(pid), StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BulwarkException("cannot write pid file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Builds a {@link Runtime}. */
    public static final class Builder {
        private Path root = Path.of("/run/bulwark");
        private final Map<String, java.util.function.Supplier<Backend>> backends = new LinkedHashMap<>();
        private String defaultBackend = "linux";
        private final List<SpecFilter> filters = new ArrayList<>();
        private SeccompCompiler seccompCompiler;
        private ProcessInfo processInfo = ProcessInfo.host();
        private String tenant;

        public Builder root(Path value) {
            this.root = value;
            return this;
        }

        public Builder backend(Backend backend) {
            backends.put(backend.name(), () -> backend);
            return this;
        }

        /** A backend made only when a container first needs it. */
        public Builder backend(String name, java.util.function.Supplier<Backend> backend) {
            backends.put(name, backend);
            return this;
        }

        public Builder defaultBackend(String name) {
            this.defaultBackend = name;
            return this;
        }

        public Builder filter(SpecFilter filter) {
            filters.add(filter);
            return this;
        }

        public Builder seccompCompiler(SeccompCompiler compiler) {
            this.seccompCompiler = compiler;
            return this;
        }

        public Builder processInfo(ProcessInfo value) {
            this.processInfo = value;
            return this;
        }

        public Builder tenant(String value) {
            this.tenant = value;
            return this;
        }

        public Runtime build() {
            return new Runtime(this);
        }
    }
}
