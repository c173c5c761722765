package io.bulwark.core.linux;

import static io.bulwark.core.plan.LinuxConstants.CLONE_NEWUSER;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.backend.Backend;
import io.bulwark.core.backend.ContainerProcess;
import io.bulwark.core.backend.ContainerRecord;
import io.bulwark.core.backend.CreateRequest;
import io.bulwark.core.backend.ExecRequest;
import io.bulwark.core.backend.Stdio;
import io.bulwark.core.hooks.HookRunner;
import io.bulwark.core.plan.LinuxConstants;
import io.bulwark.core.plan.NamespaceJoin;
import io.bulwark.core.plan.Plan;
import io.bulwark.core.plan.ProcessPlan;
import io.bulwark.core.plan.SeccompPlan;
import io.bulwark.core.plan.CgroupView;
import io.bulwark.core.plan.SpecConverter;
import io.bulwark.core.rootless.Caller;
import io.bulwark.core.rootless.RootlessIdMaps;
import io.bulwark.core.rootless.UserNamespaceSysctls;
import io.bulwark.core.spec.Hook;
import io.bulwark.core.spec.Hooks;
import io.bulwark.core.spec.IdMapping;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.SpecException;
import io.bulwark.core.spec.SpecProblem;
import io.bulwark.core.spec.WallClockLimit;
import io.bulwark.core.state.OciState;
import io.bulwark.core.state.ProcessInfo;
import io.bulwark.core.sys.LibcSyscall;
import io.bulwark.core.sys.Syscall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The linux backend: containers are namespaces, mounts and cgroups on the host kernel, set up by the shim from a
 * plan. Java decides everything (the plan, the id maps, the cgroup, the hooks); the shim only executes.
 *
 * <p>Create: the shim's stage 0 joins namespaces given by path and clones the container's init as a child of this
 * JVM; Java writes the id maps and places the init in its cgroup; the init sets up the rootfs (stopping for the
 * create hooks before pivot_root), drops to the configured credentials and blocks on the exec FIFO. Start opens the
 * FIFO, which releases the init to execve the workload.
 */
public final class LinuxBackend implements Backend {
    /** File names this backend keeps in the container's state directory. */
    static final String EXEC_FIFO = "exec.fifo";
    static final String START_HOOKS = "linux-start-hooks.json";

    /** Data binding only for the rare files that need it (start hooks, a seccomp listener's state). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private static final long SETUP_TIMEOUT_MS = 120_000;

    private final Syscall sys;
    private final ShimLauncher launcher;
    private final CgroupHook cgroups;
    private final ProcessInfo processes;
    private final HookRunner hooks;
    private final Caller caller;

    public LinuxBackend() {
        this(LibcSyscall.get(), CgroupHook.NONE, ProcessInfo.host());
    }

    public LinuxBackend(CgroupHook cgroups) {
        this(LibcSyscall.get(), cgroups, ProcessInfo.host());
    }

    public LinuxBackend(Syscall sys, CgroupHook cgroups, ProcessInfo processes) {
        this(sys, cgroups, processes, Caller.current());
    }

    /** With {@code caller} not root, containers are made rootless (the caller's own ids, delegated cgroups only). */
    public LinuxBackend(Syscall sys, CgroupHook cgroups, ProcessInfo processes, Caller caller) {
        this.sys = sys;
        this.caller = caller;
        this.launcher = new ShimLauncher(sys, ShimBinary.of(sys));
        this.cgroups = cgroups;
        this.processes = processes;
        this.hooks = new HookRunner(sys);
    }

    @Override
    public String name() {
        return "linux";
    }

    /** The hook runner this backend uses (the lifecycle layer runs poststart/poststop with it). */
    public HookRunner hookRunner() {
        return hooks;
    }

    // ---- create ----

    @Override
    public ContainerProcess create(CreateRequest r) {
        Spec spec = r.spec();
        refuseUnusable(r);
        boolean cgroupMount = spec.mounts() != null && spec.mounts().stream().anyMatch(m -> "cgroup".equals(m.type()));
        Plan plan = SpecConverter.convert(spec, r.bundle(), r.noPivot(),
            r.seccompFilter() == null ? null : new SeccompPlan(r.seccompFlags(), r.seccompFilter()),
            cgroupMount ? cgroups.view(r) : CgroupView.UNIFIED);
        Hooks h = spec.hooks();
        boolean createHooks = h != null && (nonEmpty(h.prestart()) || nonEmpty(h.createRuntime())
            || nonEmpty(h.createContainer()));
        plan = plan.withCreateHooks(createHooks).withWallClockLimit(wallClockLimit(spec));
        if (plan.process().terminal() && r.consoleSocket() == null) {
            throw new BulwarkException("process.terminal is true but no console socket was given (--console-socket)");
        }
        Linux linux = spec.linux();
        boolean newUserNs = (plan.newNamespaces() & CLONE_NEWUSER) != 0;
        long rootUid = newUserNs ? hostId(linux.uidMappings(), 0) : 0;
        long rootGid = newUserNs ? hostId(linux.gidMappings(), 0) : 0;

        Path fifo = r.stateDir().resolve(EXEC_FIFO);
        int consoleFd = -1;
        int fifoFd = -1;
        ShimLauncher.ShimChannel channel = null;
        int initPid = 0;
        try {
            sys.unlink(fifo.toString()); // left over by a create that crashed
            sys.mkfifo(fifo.toString(), 0622);
            sys.chmod(fifo.toString(), 0622);
            sys.chown(fifo.toString(), (int) rootUid, (int) rootGid);
            fifoFd = sys.open(fifo.toString(), Syscall.O_PATH | Syscall.O_CLOEXEC, 0);
            if (plan.process().terminal()) {
                consoleFd = connectConsole(r.consoleSocket());
            }
            saveStartHooks(r.stateDir(), h == null ? null : h.startContainer());
            channel = launcher.spawn("init", plan, r.stdio(), r.preserveFds(), consoleFd, fifoFd);
            closeQuietly(consoleFd);
            consoleFd = -1;
            closeQuietly(fifoFd);
            fifoFd = -1;
            final Plan finalPlan = plan;
            for (;;) {
                SyncMessage m = channel.receive(SETUP_TIMEOUT_MS, "the container's init");
                switch (m.type()) {
                    case SyncMessage.PID -> {
                        initPid = m.value();
                        channel.reapStage0();
                        if (newUserNs) {
                            writeIdMaps(r.id(), initPid, linux, channel);
                        }
                        cgroups.place(r, initPid);
                        channel.send(SyncMessage.GO);
                    }
                    case SyncMessage.HOOKS -> {
                        OciState state = new OciState(OciState.OCI_VERSION, r.id(), "creating", initPid,
                            r.bundle().toString(), spec.annotations());
                        hooks.run("prestart", h.prestart(), state);
                        hooks.run("createRuntime", h.createRuntime(), state);
                        int pid = initPid;
                        hooks.run("createContainer", h.createContainer(), state,
                            (hook, in, out, err) -> launchHookInContainer(pid, finalPlan.newNamespaces(), hook, in, out, err));
                        channel.send(SyncMessage.RESUME);
                    }
                    case SyncMessage.SECCOMP_FD -> forwardListener(m, r.seccompListenerPath(), r.seccompListenerMetadata(),
                        r.id(), initPid, r.bundle(), spec.annotations());
                    case SyncMessage.ERROR -> throw setupError(r.id(), m);
                    case SyncMessage.READY -> {
                        channel.close();
                        OptionalLong start = processes.startTime(initPid);
                        if (start.isEmpty()) {
                            throw new BulwarkException("container " + r.id() + ": init " + initPid + " vanished after setup");
                        }
                        return new ContainerProcess(initPid, start.getAsLong());
                    }
                    case SyncMessage.EOF -> throw exitedDuringSetup(r.id(), channel, initPid);
                    default -> throw new BulwarkException("container " + r.id() + ": unexpected message "
                        + m.type() + " from the shim");
                }
            }
        } catch (RuntimeException e) {
            closeQuietly(consoleFd);
            closeQuietly(fifoFd);
            if (channel != null) {
                channel.close();
                channel.abort();
            }
            if (initPid > 0) {
                killAndReap(initPid);
            }
            removeFiles(r.stateDir());
            throw e;
        }
    }

    /**
     * The admitted wall-clock limit, for the shim's watchdog: nothing else holds it when no process waits for the
     * container. Within what the plan carries (a u32 of seconds: 136 years).
     */
    private static Long wallClockLimit(Spec spec) {
        Long seconds = WallClockLimit.seconds(spec.annotations());
        return seconds == null ? null : Math.min(seconds, 0xFFFFFFFFL);
    }

    private BulwarkException setupError(String id, SyncMessage m) {
        return new BulwarkException("container " + id + ": " + m.text(), m.errno());
    }

    private BulwarkException exitedDuringSetup(String id, ShimLauncher.ShimChannel channel, int initPid) {
        if (initPid == 0) {
            Syscall.WaitStatus s = channel.reapStage0();
            return new BulwarkException("container " + id + ": the shim ended before creating the container"
                + (s == null ? "" : " (status " + s.shellStatus() + ")"));
        }
        Syscall.WaitStatus s = sys.waitpid(initPid, 0);
        return new BulwarkException("container " + id + ": the init ended during setup (status " + s.shellStatus() + ")");
    }

    /** The host id that container id {@code id} maps to. */
    static long hostId(List<IdMapping> mappings, long id) {
        if (mappings != null) {
            for (IdMapping m : mappings) {
                if (id >= m.containerID() && id < m.containerID() + m.size()) {
                    return m.hostID() + (id - m.containerID());
                }
            }
        }
        throw new BulwarkException("config.json: linux.uidMappings/gidMappings: container id " + id
            + " is not mapped; a user namespace needs root mapped");
    }

    /**
     * Before anything is spawned: every reason the config cannot run here, in one error. Without root that is
     * the kernel's id-map rules and, from the cgroup hook, each limit that no delegated cgroup can enforce.
     */
    private void refuseUnusable(CreateRequest r) {
        String file = r.bundle().resolve("config.json").toString();
        List<SpecProblem> problems = new ArrayList<>();
        if (caller.rootless()) {
            problems.addAll(RootlessIdMaps.problems(r.spec(), caller, file));
            UserNamespaceSysctls.blocker().ifPresent(why -> problems.add(new SpecProblem(file, "$.linux.namespaces",
                "Bulwark runs as uid " + caller.uid() + ", not root, and needs a user namespace, but " + why)));
        }
        problems.addAll(cgroups.problems(r, file));
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
    }

    private void writeIdMaps(String id, int pid, Linux linux, ShimLauncher.ShimChannel channel) {
        if (caller.rootless()) {
            // The kernel lets us open the init's map files only while it is dumpable, and takes a gid map from an
            // unprivileged writer only once setgroups is denied.
            channel.send(SyncMessage.MAP_ACCESS);
            SyncMessage m = channel.receive(SETUP_TIMEOUT_MS, "the container's init");
            if (m.type() == SyncMessage.ERROR) {
                throw setupError(id, m);
            }
            if (m.type() != SyncMessage.MAP_ACCESS) {
                throw new BulwarkException("unexpected message " + m.type() + " from the shim (waiting for MAP_ACCESS)");
            }
            writeProc(pid, "setgroups", "deny");
        }
        writeProc(pid, "uid_map", mapText(linux.uidMappings()));
        writeProc(pid, "gid_map", mapText(linux.gidMappings()));
    }

    static String mapText(List<IdMapping> mappings) {
        StringBuilder s = new StringBuilder();
        for (IdMapping m : mappings) {
            s.append(m.containerID()).append(' ').append(m.hostID()).append(' ').append(m.size()).append('\n');
        }
        return s.toString();
    }

    private void writeProc(int pid, String file, String text) {
        String path = "/proc/" + pid + "/" + file;
        int fd = sys.open(path, Syscall.O_WRONLY | Syscall.O_CLOEXEC, 0);
        try {
            sys.writeAll(fd, text.getBytes(StandardCharsets.US_ASCII));
        } finally {
            sys.close(fd);
        }
    }

    private int connectConsole(Path socket) {
        int fd = sys.socket(Syscall.AF_UNIX, Syscall.SOCK_STREAM);
        try {
            sys.connectUnix(fd, socket.toString());
            return fd;
        } catch (RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
    }

    /** Hands a seccomp notify listener on to listenerPath with the container process state (OCI seccomp). */
    private void forwardListener(SyncMessage m, String listenerPath, String metadata, String id, int pid, Path bundle,
                                 Map<String, String> annotations) {
        int fd = m.fds().length > 0 ? m.fds()[0] : -1;
        try {
            if (fd < 0) {
                throw new BulwarkException("container " + id + ": the shim sent no seccomp listener descriptor");
            }
            if (listenerPath == null) {
                return; // nobody asked for it: dropping the listener makes notified syscalls fail with ENOSYS
            }
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("ociVersion", OciState.OCI_VERSION);
            state.put("fds", List.of("seccompFd"));
            state.put("pid", pid);
            state.put("metadata", metadata == null ? "" : metadata);
            state.put("state", new OciState(OciState.OCI_VERSION, id, "creating", pid, bundle.toString(), annotations));
            int s = sys.socket(Syscall.AF_UNIX, Syscall.SOCK_STREAM);
            try {
                sys.connectUnix(s, listenerPath);
                sys.sendmsg(s, Json.MAPPER.writeValueAsBytes(state), new int[] {fd});
            } finally {
                closeQuietly(s);
            }
        } catch (IOException e) {
            throw new BulwarkException("cannot encode the seccomp listener state: " + e.getMessage(), e);
        } finally {
            closeQuietly(fd);
        }
    }

    // ---- hooks inside the container ----

    /** Starts a hook in the namespaces of the container's init through the shim's hook mode; returns its pid. */
    private int launchHookInContainer(int initPid, long containerNamespaces, Hook hook, int in, int out, int err) {
        List<String> args = hook.args() == null || hook.args().isEmpty() ? List.of(hook.path()) : hook.args();
        ProcessPlan p = new ProcessPlan(hook.path(), args, hook.env() == null ? List.of() : hook.env(), null, null, null,
            List.of(), false, null, false, null, null);
        Plan plan = Plan.joining(Plan.Kind.HOOK, namespacesOf(initPid), p,
            io.bulwark.core.plan.FdPlan.UNASSIGNED);
        return runJoined("hook", plan, new Stdio(in, out, err), 0, -1, null, null, null, null);
    }

    /**
     * The namespaces of a running process that differ from this JVM's, as joins (user first). Joining our own user
     * namespace would fail, and joining any other of our own is pointless.
     */
    List<NamespaceJoin> namespacesOf(int pid) {
        List<NamespaceJoin> joins = new ArrayList<>();
        for (String type : List.of("user", "cgroup", "ipc", "uts", "network", "pid", "time", "mount")) {
            String file = LinuxConstants.NAMESPACE_FILES.get(type);
            Path theirs = Path.of("/proc/" + pid + "/ns/" + file);
            try {
                String target = Files.readSymbolicLink(theirs).toString();
                String ours = Files.readSymbolicLink(Path.of("/proc/self/ns/" + file)).toString();
                if (!target.equals(ours)) {
                    joins.add(new NamespaceJoin(LinuxConstants.NAMESPACES.get(type), theirs.toString()));
                }
            } catch (IOException e) {
                if (!Files.exists(Path.of("/proc/self/ns/" + file))) {
                    continue; // the kernel has no such namespace type
                }
                throw new BulwarkException("cannot read namespace " + theirs + " (has the container stopped?)",
                    Syscall.ESRCH);
            }
        }
        return joins;
    }

    /**
     * Runs the shim in exec or hook mode and waits until the process has called execve (or failed); returns its pid.
     */
    private int runJoined(String mode, Plan plan, Stdio stdio, int preserveFds, int consoleFd, ContainerRecord container,
                          String listenerPath, String listenerMetadata, String what) {
        ShimLauncher.ShimChannel channel = launcher.spawn(mode, plan, stdio, preserveFds, consoleFd, -1);
        int pid = 0;
        try {
            for (;;) {
                SyncMessage m = channel.receive(SETUP_TIMEOUT_MS, "the " + mode + " process");
                switch (m.type()) {
                    case SyncMessage.PID -> {
                        pid = m.value();
                        channel.reapStage0();
                        if (container != null) {
                            cgroups.join(container, pid);
                        }
                        channel.send(SyncMessage.GO);
                    }
                    case SyncMessage.SECCOMP_FD -> forwardListener(m, listenerPath, listenerMetadata,
                        container == null ? "" : container.id(), pid,
                        container == null ? Path.of("/") : container.bundle(),
                        container == null ? Map.of() : container.annotations());
                    case SyncMessage.ERROR -> {
                        String prefix = what == null ? "" : what + ": ";
                        throw new BulwarkException(prefix + m.text(), m.errno());
                    }
                    case SyncMessage.EOF -> {
                        if (pid == 0) {
                            Syscall.WaitStatus s = channel.reapStage0();
                            throw new BulwarkException("the shim ended before starting the " + mode + " process"
                                + (s == null ? "" : " (status " + s.shellStatus() + ")"));
                        }
                        channel.close();
                        return pid;
                    }
                    default -> throw new BulwarkException("unexpected message " + m.type() + " from the shim");
                }
            }
        } catch (RuntimeException e) {
            channel.close();
            channel.abort();
            if (pid > 0) {
                killAndReap(pid);
            }
            throw e;
        }
    }

    // ---- start ----

    @Override
    public void start(ContainerRecord c) {
        Path fifo = c.stateDir().resolve(EXEC_FIFO);
        if (!Files.exists(fifo)) {
            throw new BulwarkException("container " + c.id() + " has already been started");
        }
        requireAlive(c);
        List<Hook> startHooks = loadStartHooks(c.stateDir());
        if (!startHooks.isEmpty()) {
            OciState state = new OciState(OciState.OCI_VERSION, c.id(), "created", c.init().pid(),
                c.bundle().toString(), c.annotations());
            try {
                hooks.run("startContainer", startHooks, state,
                    (hook, in, out, err) -> launchHookInContainer(c.init().pid(), 0, hook, in, out, err));
            } catch (BulwarkException e) {
                killAll(c, LinuxConstants.SIGKILL);
                throw e;
            }
        }
        int fd = sys.open(fifo.toString(), Syscall.O_RDONLY | Syscall.O_NONBLOCK | Syscall.O_CLOEXEC, 0);
        try {
            byte[] one = new byte[1];
            for (;;) {
                int revents = sys.poll(fd, Syscall.POLLIN, 100);
                if ((revents & Syscall.POLLIN) != 0) {
                    try {
                        if (sys.read(fd, one) == 1) {
                            break;
                        }
                    } catch (BulwarkException e) {
                        if (e.errno() != Syscall.EAGAIN) {
                            throw e;
                        }
                    }
                }
                if (!processes.isAlive(c.init().pid(), c.init().startTime())) {
                    throw new BulwarkException("container " + c.id() + ": the init ended before it could be started");
                }
            }
        } finally {
            closeQuietly(fd);
        }
        sys.unlink(fifo.toString());
    }

    private void saveStartHooks(Path stateDir, List<Hook> startHooks) {
        Path file = stateDir.resolve(START_HOOKS);
        if (!nonEmpty(startHooks)) {
            return;
        }
        try {
            Files.write(file, Json.MAPPER.writeValueAsBytes(startHooks));
        } catch (IOException e) {
            throw new BulwarkException("cannot save the startContainer hooks in " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Hook> loadStartHooks(Path stateDir) {
        Path file = stateDir.resolve(START_HOOKS);
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), new TypeReference<List<Hook>>() {
            });
        } catch (IOException e) {
            throw new BulwarkException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    // ---- wait, kill, delete ----

    @Override
    public int awaitExit(ContainerProcess process) {
        try {
            return sys.waitpid(process.pid(), 0).shellStatus();
        } catch (BulwarkException e) {
            if (e.errno() != Syscall.ECHILD) {
                throw e;
            }
        }
        // Not our child (created by another process): we can see it end, not its status.
        while (processes.isAlive(process.pid(), process.startTime())) {
            sleep(20);
        }
        throw new BulwarkException("process " + process.pid() + " was not started by this process; "
            + "its exit status is unknown", Syscall.ECHILD);
    }

    @Override
    public ContainerProcess exec(ContainerRecord c, ExecRequest request) {
        requireAlive(c);
        SeccompPlan seccomp = request.seccompFilter() == null ? null
            : new SeccompPlan(request.seccompFlags(), request.seccompFilter());
        ProcessPlan process = SpecConverter.process(request.process(), seccomp, "process");
        if (process.terminal() && request.consoleSocket() == null) {
            throw new BulwarkException("process.terminal is true but no console socket was given (--console-socket)");
        }
        Plan plan = Plan.joining(Plan.Kind.EXEC, namespacesOf(c.init().pid()), process,
            io.bulwark.core.plan.FdPlan.UNASSIGNED);
        int consoleFd = process.terminal() ? connectConsole(request.consoleSocket()) : -1;
        try {
            int pid = runJoined("exec", plan, request.stdio(), request.preserveFds(), consoleFd, c,
                request.seccompListenerPath(), request.seccompListenerMetadata(), "exec in container " + c.id());
            OptionalLong start = processes.startTime(pid);
            return new ContainerProcess(pid, start.orElse(0));
        } finally {
            closeQuietly(consoleFd);
        }
    }

    @Override
    public void kill(ContainerRecord c, int signal, boolean all) {
        requireAlive(c);
        if (all) {
            killAll(c, signal);
        } else if (!sys.kill(c.init().pid(), signal)) {
            throw new BulwarkException("container " + c.id() + " is not running", Syscall.ESRCH);
        }
    }

    @Override
    public void delete(ContainerRecord c, boolean force) {
        ContainerProcess init = c.init();
        if (init != null && init.pid() > 0) {
            if (processes.isAlive(init.pid(), init.startTime())) {
                if (!force) {
                    throw new BulwarkException("container " + c.id() + " is still running");
                }
                killAll(c, LinuxConstants.SIGKILL);
                awaitGone(init);
            }
            reapIfChild(init.pid());
        }
        cgroups.remove(c);
        removeFiles(c.stateDir());
    }

    /** Signals every process of the container: the cgroup's, or those in the init's pid namespace. */
    private void killAll(ContainerRecord c, int signal) {
        int init = c.init().pid();
        List<Integer> pids = cgroups.processes(c);
        if (pids.isEmpty()) {
            pids = pidNamespaceMembers(init);
        }
        // The init first: in its own pid namespace, SIGKILL to it takes every other member down with it.
        sys.kill(init, signal);
        for (int pid : pids) {
            if (pid != init) {
                sys.kill(pid, signal);
            }
        }
    }

    /** Host processes that share the init's pid namespace, when that namespace is not ours. */
    static List<Integer> pidNamespaceMembers(int initPid) {
        List<Integer> pids = new ArrayList<>();
        try {
            String ns = Files.readSymbolicLink(Path.of("/proc/" + initPid + "/ns/pid")).toString();
            if (ns.equals(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString())) {
                return List.of(initPid);
            }
            try (var entries = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
                for (Path p : entries) {
                    try {
                        if (Files.readSymbolicLink(p.resolve("ns/pid")).toString().equals(ns)) {
                            pids.add(Integer.parseInt(p.getFileName().toString()));
                        }
                    } catch (IOException ignored) {
                        // ended meanwhile
                    }
                }
            }
        } catch (IOException e) {
            return List.of(initPid);
        }
        return pids;
    }

    private void awaitGone(ContainerProcess p) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (processes.isAlive(p.pid(), p.startTime())) {
            reapIfChild(p.pid());
            if (System.nanoTime() > deadline) {
                throw new BulwarkException("process " + p.pid() + " did not end after SIGKILL");
            }
            sleep(5);
        }
    }

    private void reapIfChild(int pid) {
        try {
            sys.waitpid(pid, Syscall.WNOHANG);
        } catch (BulwarkException ignored) {
            // not our child: its parent reaps it
        }
    }

    private void killAndReap(int pid) {
        sys.kill(pid, LinuxConstants.SIGKILL);
        try {
            sys.waitpid(pid, 0);
        } catch (BulwarkException ignored) {
            // already reaped
        }
    }

    private void requireAlive(ContainerRecord c) {
        if (c.init() == null || !processes.isAlive(c.init().pid(), c.init().startTime())) {
            throw new BulwarkException("container " + c.id() + " is not running", Syscall.ESRCH);
        }
    }

    private void removeFiles(Path stateDir) {
        sys.unlink(stateDir.resolve(EXEC_FIFO).toString());
        sys.unlink(stateDir.resolve(START_HOOKS).toString());
    }

    private void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                sys.close(fd);
            } catch (BulwarkException ignored) {
                // nothing useful to do
            }
        }
    }

    private static boolean nonEmpty(List<?> l) {
        return l != null && !l.isEmpty();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BulwarkException("interrupted");
        }
    }
}
