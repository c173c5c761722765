package io.bulwark.core.cgroup;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.BlockIo;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.HugepageLimit;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.NetworkResources;
import io.bulwark.core.spec.PidsResources;
import io.bulwark.core.spec.RdmaLimit;
import io.bulwark.core.spec.Resources;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What the v1 and v2 managers share: pid listing, signalling, removal with retries, stats parsing. */
abstract class AbstractCgroupManager implements CgroupManager {
    static final int EOPNOTSUPP = 95;
    static final int EINVAL = 22;
    static final int EBUSY = 16;
    static final int SIGKILL = 9;
    /** How long killAll and destroy wait for dying processes to leave. */
    static final long SETTLE_MILLIS = 10_000;

    final CgroupEnvironment env;
    final CgroupFs fs;
    final CgroupLocation location;

    AbstractCgroupManager(CgroupEnvironment env, CgroupLocation location) {
        this.env = env;
        this.fs = env.fs();
        this.location = location;
    }

    @Override
    public CgroupLocation location() {
        return location;
    }

    /** The directories of the cgroup (one per v1 hierarchy, one on v2), without repeats. */
    List<String> uniqueDirs() {
        return new ArrayList<>(new LinkedHashSet<>(location.dirs().values()));
    }

    @Override
    public void apply(Resources resources, List<DeviceAccess> devices) {
        if (resources != null) {
            setLimits(resources);
        }
        setDevices(devices);
    }

    @Override
    public void update(Resources resources) {
        if (resources == null) {
            return;
        }
        setLimits(resources);
        if (resources.devices() != null) {
            setDevices(DeviceRules.effective(resources.devices(), null));
        }
    }

    /** Sets every limit present in {@code r} (devices aside), refusing what this version cannot enforce first. */
    final void setLimits(Resources r) {
        refuseUnsupported(r);
        if (r.cpu() != null) {
            setCpu(r.cpu());
        }
        if (r.memory() != null) {
            setMemory(r.memory());
        }
        if (r.pids() != null) {
            setPids(r.pids());
        }
        if (r.blockIO() != null) {
            setBlockIo(r.blockIO());
        }
        if (r.hugepageLimits() != null) {
            setHugepages(r.hugepageLimits());
        }
        if (r.network() != null) {
            setNetwork(r.network());
        }
        if (r.rdma() != null && !r.rdma().isEmpty()) {
            setRdma(r.rdma());
        }
        if (r.unified() != null) {
            setUnified(r.unified()); // last, so that explicit interface-file values win
        }
    }

    /** Throws before anything is written when {@code r} asks for a limit this cgroup version does not have. */
    abstract void refuseUnsupported(Resources r);

    abstract void setCpu(CpuResources cpu);

    abstract void setMemory(MemoryResources memory);

    abstract void setPids(PidsResources pids);

    abstract void setBlockIo(BlockIo blockIo);

    abstract void setHugepages(List<HugepageLimit> limits);

    abstract void setNetwork(NetworkResources network);

    abstract void setRdma(Map<String, RdmaLimit> rdma);

    abstract void setUnified(Map<String, String> unified);

    /** Replaces the cgroup's device rules. */
    abstract void setDevices(List<DeviceAccess> rules);

    /** Writes a limit's value to an interface file known to exist, naming the limit if the kernel refuses it. */
    void writeLimit(String path, String value, String limit) {
        try {
            fs.write(path, value);
        } catch (BulwarkException e) {
            throw new BulwarkException("cannot set " + limit + " to " + value + ": " + e.getMessage(), e.errno(), 1, e);
        }
    }

    /** The directory whose cgroup.procs lists the container's processes. */
    abstract String procsDir();

    @Override
    public boolean exists() {
        return uniqueDirs().stream().anyMatch(fs::isDirectory);
    }

    @Override
    public void addProcess(int pid) {
        if (pid <= 0) {
            throw new BulwarkException("cannot move pid " + pid + " into a cgroup", EINVAL);
        }
        for (String dir : uniqueDirs()) {
            try {
                fs.write(dir + "/cgroup.procs", Integer.toString(pid));
            } catch (BulwarkException e) {
                throw new BulwarkException("cannot move pid " + pid + " into cgroup " + fs.root().resolve(dir) + ": "
                    + e.getMessage(), e.errno(), 1, e);
            }
        }
    }

    @Override
    public List<Integer> pids() {
        List<Integer> out = new ArrayList<>();
        collectPids(procsDir(), out);
        return out;
    }

    private void collectPids(String dir, List<Integer> out) {
        if (!fs.isDirectory(dir)) {
            return;
        }
        for (String line : fs.readIfExists(dir + "/cgroup.procs").orElse("").split("\n")) {
            if (!line.isBlank()) {
                out.add(Integer.parseInt(line.trim()));
            }
        }
        for (String child : fs.subdirectories(dir)) {
            collectPids(dir + "/" + child, out);
        }
    }

    /**
     * Every process in any of the cgroup's directories. Normally the same as {@link #pids()}; after a crash while
     * the init was joining hierarchy by hierarchy it may sit in some of them only, and must still be killed.
     */
    List<Integer> pidsInAnyHierarchy() {
        Set<Integer> all = new LinkedHashSet<>();
        for (String dir : uniqueDirs()) {
            List<Integer> in = new ArrayList<>();
            collectPids(dir, in);
            all.addAll(in);
        }
        return new ArrayList<>(all);
    }

    @Override
    public void killAll(int signal) {
        if (!exists()) {
            return;
        }
        if (pids().isEmpty() && pidsInAnyHierarchy().isEmpty()) {
            // nobody left to fork: no need to freeze (the usual delete of a container that has ended); every
            // hierarchy is asked, since after a crash mid-join the init may sit in some of them only
            return;
        }
        boolean frozen = false;
        if (canFreeze()) {
            freeze();
            frozen = true;
        }
        try {
            for (int pid : pidsInAnyHierarchy()) {
                env.kernel().kill(pid, signal);
            }
        } finally {
            if (frozen) {
                thaw(); // frozen tasks take the signal once they run again
            }
        }
        if (signal == SIGKILL) {
            awaitEmpty();
        }
    }

    abstract boolean canFreeze();

    /** Waits until no process is left, re-sending SIGKILL to stragglers (a process forked while we listed). */
    void awaitEmpty() {
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
        while (true) {
            List<Integer> left = pidsInAnyHierarchy();
            if (left.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new BulwarkException("processes " + left + " are still in cgroup " + location.cgroupsPath()
                    + " after SIGKILL", EBUSY);
            }
            for (int pid : left) {
                env.kernel().kill(pid, SIGKILL);
            }
            sleep(10);
        }
    }

    /**
     * Removes one cgroup directory tree, deepest first, retrying while exiting processes still hold it. Child cgroups
     * are looked for only when the directory does not go at once (listing a cgroup stats every interface file).
     */
    void removeTree(String dir) {
        if (!fs.isDirectory(dir)) {
            return;
        }
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
        boolean childrenRemoved = false;
        while (true) {
            try {
                fs.rmdir(dir);
                return;
            } catch (BulwarkException e) {
                if (e.errno() != EBUSY || System.nanoTime() > deadline) {
                    throw e;
                }
                if (!childrenRemoved) {
                    for (String child : fs.subdirectories(dir)) {
                        removeTree(dir + "/" + child);
                    }
                    childrenRemoved = true;
                    continue;
                }
                sleep(10);
            }
        }
    }

    /** After the leaf: the default {@code bulwark} parent goes too when no other container uses it. */
    void removeDefaultParent(String leafDir) {
        if (!location.isDefault()) {
            return;
        }
        int slash = leafDir.lastIndexOf('/');
        if (slash <= 0) {
            return;
        }
        String parent = leafDir.substring(0, slash);
        if (!parent.endsWith(CgroupLocation.DEFAULT_PARENT) || !fs.subdirectories(parent).isEmpty()) {
            return;
        }
        try {
            fs.rmdir(parent);
        } catch (BulwarkException e) {
            // another container created its cgroup there meanwhile: the parent stays
        }
    }

    @Override
    public void destroy() {
        for (String dir : uniqueDirs()) {
            removeTree(dir);
            removeDefaultParent(dir);
        }
    }

    /** Reads a file of {@code key value} lines into a map (memory.stat, cpu.stat, memory.events...). */
    Map<String, Long> keyValues(String path) {
        Map<String, Long> out = new TreeMap<>();
        for (String line : fs.readIfExists(path).orElse("").split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2) {
                try {
                    out.put(kv[0], Long.parseLong(kv[1]));
                } catch (NumberFormatException e) {
                    // not a counter
                }
            }
        }
        return out;
    }

    /** A numeric file; "max" and a missing file read as {@code missing}. */
    long number(String path, long missing) {
        String v = fs.readIfExists(path).orElse("");
        if (v.isEmpty() || v.equals("max")) {
            return missing;
        }
        try {
            return Long.parseLong(v.split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return missing;
        }
    }

    /** Parses a cpuset list such as {@code 0-3,6}. */
    static List<Integer> cpuList(String text) {
        List<Integer> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.trim().split(",")) {
            String[] range = part.split("-");
            int from = Integer.parseInt(range[0].trim());
            int to = range.length > 1 ? Integer.parseInt(range[1].trim()) : from;
            for (int i = from; i <= to; i++) {
                out.add(i);
            }
        }
        return out;
    }

    /** Page size names as config and files use them ({@code 2MB}) found among a directory's file names. */
    Set<String> hugepageSizes(String dir, String prefix, String suffix) {
        Set<String> sizes = new LinkedHashSet<>();
        for (String name : fs.list(dir)) {
            if (name.startsWith(prefix) && name.endsWith(suffix) && name.length() > prefix.length() + suffix.length()) {
                String size = name.substring(prefix.length(), name.length() - suffix.length());
                if (!size.contains(".")) {
                    sizes.add(size);
                }
            }
        }
        return sizes;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BulwarkException("interrupted while waiting for a cgroup", 4);
        }
    }
}
