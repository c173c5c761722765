package io.bulwark.core.cgroup;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.plan.CgroupView;
import io.bulwark.core.spec.Linux;
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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SIGKILL = 9;

    private final Supplier<CgroupEnvironment> environment;
    private CgroupEnvironment env;

    /** Uses the host's cgroups, detected on first use. */
    public ContainerCgroups() {
        this(CgroupEnvironment::host);
    }

    public ContainerCgroups(Supplier<CgroupEnvironment> environment) {
        this.environment = environment;
    }

    private synchronized CgroupEnvironment env() {
        if (env == null) {
            env = environment.get();
        }
        return env;
    }

    /**
     * Makes the cgroup of container {@code id}, sets every limit of {@code linux} and moves {@code initPid} into it.
     * The limits are in force before the process joins. On failure nothing is left behind.
     */
    public CgroupManager place(String id, Path stateDir, Linux linux, int initPid) {
        CgroupManager m = env().manager(id, linux == null ? null : linux.cgroupsPath());
        save(stateDir, m.location());
        try {
            m.create();
            m.apply(linux);
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

    static void save(Path stateDir, CgroupLocation location) {
        Path target = stateDir.resolve(FILE);
        Path tmp = stateDir.resolve(FILE + ".tmp");
        try {
            Files.createDirectories(stateDir);
            Files.write(tmp, JSON.writeValueAsBytes(location));
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
            return Optional.of(JSON.readValue(Files.readAllBytes(file), CgroupLocation.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BulwarkException("cannot read " + file + ": " + e.getMessage(), 5);
        }
    }
}
