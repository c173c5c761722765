package io.bulwark.core.cgroup;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.BlockIo;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.HugepageLimit;
import io.bulwark.core.spec.InterfacePriority;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.NetworkResources;
import io.bulwark.core.spec.PidsResources;
import io.bulwark.core.spec.RdmaLimit;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.spec.ThrottleDevice;
import io.bulwark.core.spec.WeightDevice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** cgroup v1: one directory per controller hierarchy, limits in each controller's own files. */
final class V1CgroupManager extends AbstractCgroupManager {
    /** What memory.limit_in_bytes reads when there is no limit (LONG_MAX rounded down to a page). */
    static final long V1_UNLIMITED = 9223372036854771712L;

    V1CgroupManager(CgroupEnvironment env, CgroupLocation location) {
        super(env, location);
    }

    @Override
    public CgroupVersion version() {
        return CgroupVersion.V1;
    }

    @Override
    String procsDir() {
        for (String c : List.of("pids", "freezer", "memory", "cpu", "devices")) {
            if (location.dirs().containsKey(c)) {
                return location.dirs().get(c);
            }
        }
        return uniqueDirs().get(0);
    }

    @Override
    public void create() {
        for (Map.Entry<String, String> e : location.dirs().entrySet()) {
            String dir = e.getValue();
            if (e.getKey().equals("cpuset")) {
                createCpuset(dir);
            } else {
                fs.mkdirs(dir);
            }
        }
    }

    /** A new cpuset cgroup starts with no cpus and mems, and refuses tasks: copy the parent's, level by level. */
    private void createCpuset(String dir) {
        String[] segments = dir.split("/");
        String path = segments[0];
        for (int i = 1; i < segments.length; i++) {
            String parent = path;
            path = path + "/" + segments[i];
            fs.mkdirs(path);
            for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
                String own = fs.readIfExists(path + "/" + file).orElse("");
                if (own.isEmpty()) {
                    fs.write(path + "/" + file, fs.read(parent + "/" + file));
                }
            }
        }
    }

    // ---- limits ----

    private String dir(String controller, String limit) {
        String d = location.dirs().get(controller);
        if (d == null) {
            String why = env.unifiedOnly().contains(controller)
                ? "is bound to the cgroup v2 hierarchy on this host, not to a cgroup v1 mount"
                : "is not mounted on this host";
            throw new BulwarkException(limit + " needs the " + controller + " cgroup controller, which " + why
                + "; refusing to run the container without this limit", EOPNOTSUPP);
        }
        return d;
    }

    private boolean has(String controller, String file) {
        String d = location.dirs().get(controller);
        return d != null && fs.exists(d + "/" + file);
    }

    /** Writes one limit, failing with the limit's name when the controller or the file is missing. */
    private void set(String controller, String file, String value, String limit) {
        String path = dir(controller, limit) + "/" + file;
        if (!fs.exists(path)) {
            throw new BulwarkException(limit + " needs " + file + " of the " + controller
                + " controller, which this host's kernel does not provide (" + fs.root().resolve(path)
                + " is missing); refusing to run the container without this limit", EOPNOTSUPP);
        }
        writeLimit(path, value, limit);
    }

    @Override
    void refuseUnsupported(Resources r) {
        if (r.unified() != null && !r.unified().isEmpty()) {
            throw new BulwarkException("linux.resources.unified " + r.unified().keySet()
                + " needs cgroup v2, but this host runs cgroup v1", EOPNOTSUPP);
        }
    }

    @Override
    void setUnified(Map<String, String> unified) {
        // refused above when non-empty
    }

    @Override
    void setCpu(CpuResources cpu) {
        String p = "linux.resources.cpu.";
        if (cpu.shares() != null && cpu.shares() != 0) {
            set("cpu", "cpu.shares", cpu.shares().toString(), p + "shares");
            long actual = number(dir("cpu", p + "shares") + "/cpu.shares", -1);
            if (actual != cpu.shares()) {
                throw new BulwarkException(p + "shares " + cpu.shares() + " is out of the kernel's range (it set "
                    + actual + "); use 2 to 262144", EINVAL);
            }
        }
        if (cpu.realtimePeriod() != null && cpu.realtimePeriod() != 0) {
            set("cpu", "cpu.rt_period_us", cpu.realtimePeriod().toString(), p + "realtimePeriod");
        }
        if (cpu.realtimeRuntime() != null && cpu.realtimeRuntime() != 0) {
            set("cpu", "cpu.rt_runtime_us", cpu.realtimeRuntime().toString(), p + "realtimeRuntime");
        }
        if (cpu.period() != null && cpu.period() != 0) {
            try {
                set("cpu", "cpu.cfs_period_us", cpu.period().toString(), p + "period");
            } catch (BulwarkException e) {
                // a shorter period can clash with the old quota's burst; set the quota first and retry
                if (e.errno() != EINVAL || cpu.quota() == null) {
                    throw e;
                }
                set("cpu", "cpu.cfs_quota_us", cpu.quota().toString(), p + "quota");
                set("cpu", "cpu.cfs_period_us", cpu.period().toString(), p + "period");
            }
        }
        if (cpu.quota() != null && cpu.quota() != 0) {
            set("cpu", "cpu.cfs_quota_us", Long.toString(cpu.quota() < 0 ? -1 : cpu.quota()), p + "quota");
        }
        if (cpu.burst() != null) {
            set("cpu", "cpu.cfs_burst_us", cpu.burst().toString(), p + "burst");
        }
        if (cpu.idle() != null) {
            set("cpu", "cpu.idle", cpu.idle().toString(), p + "idle");
        }
        if (cpu.cpus() != null && !cpu.cpus().isEmpty()) {
            set("cpuset", "cpuset.cpus", cpu.cpus(), p + "cpus");
        }
        if (cpu.mems() != null && !cpu.mems().isEmpty()) {
            set("cpuset", "cpuset.mems", cpu.mems(), p + "mems");
        }
    }

    @Override
    void setMemory(MemoryResources m) {
        String p = "linux.resources.memory.";
        String dir = m.limit() != null || m.swap() != null || m.reservation() != null || m.kernel() != null
            || m.kernelTCP() != null || m.swappiness() != null || m.disableOOMKiller() != null
            || m.useHierarchy() != null ? dir("memory", "linux.resources.memory") : null;
        if (dir == null) {
            return;
        }
        if (m.useHierarchy() != null) {
            set("memory", "memory.use_hierarchy", m.useHierarchy() ? "1" : "0", p + "useHierarchy");
        }
        Long limit = m.limit() != null && m.limit() != 0 ? m.limit() : null;
        Long swap = m.swap() != null && m.swap() != 0 ? m.swap() : null;
        if (limit != null && Boolean.TRUE.equals(m.checkBeforeUpdate()) && limit > 0) {
            long usage = number(dir + "/memory.usage_in_bytes", 0);
            if (usage > limit) {
                throw new BulwarkException(p + "limit " + limit + " is below the container's current usage of "
                    + usage + " bytes (checkBeforeUpdate is set)", EBUSY);
            }
        }
        if (swap != null && limit != null && swap != -1 && limit != -1 && swap < limit) {
            throw new BulwarkException(p + "swap (" + swap + ", memory+swap) must be at least " + p + "limit ("
                + limit + ")", EINVAL);
        }
        if (swap != null) {
            if (!fs.exists(dir + "/memory.memsw.limit_in_bytes")) {
                throw new BulwarkException(p + "swap needs memory.memsw.limit_in_bytes, which this kernel lacks"
                    + " (swap accounting is off: boot with swapaccount=1)", EOPNOTSUPP);
            }
            long current = number(dir + "/memory.memsw.limit_in_bytes", V1_UNLIMITED);
            boolean raising = swap == -1 || current != V1_UNLIMITED && swap > current;
            // The kernel keeps limit <= memsw at every step, so the order depends on the direction.
            if (raising) {
                set("memory", "memory.memsw.limit_in_bytes", swap.toString(), p + "swap");
                if (limit != null) {
                    set("memory", "memory.limit_in_bytes", limit.toString(), p + "limit");
                }
            } else {
                if (limit != null) {
                    set("memory", "memory.limit_in_bytes", limit.toString(), p + "limit");
                }
                set("memory", "memory.memsw.limit_in_bytes", swap.toString(), p + "swap");
            }
        } else if (limit != null) {
            set("memory", "memory.limit_in_bytes", limit.toString(), p + "limit");
        }
        if (m.reservation() != null && m.reservation() != 0) {
            set("memory", "memory.soft_limit_in_bytes", m.reservation().toString(), p + "reservation");
        }
        if (m.kernel() != null && m.kernel() != 0) {
            set("memory", "memory.kmem.limit_in_bytes", m.kernel().toString(), p + "kernel");
            long actual = number(dir + "/memory.kmem.limit_in_bytes", V1_UNLIMITED);
            if (m.kernel() > 0 && actual == V1_UNLIMITED) {
                // since Linux 5.16 the file accepts writes and ignores them
                throw new BulwarkException(p + "kernel: this kernel no longer enforces kernel memory limits"
                    + " (memory.kmem.limit_in_bytes ignores writes); drop the field", EOPNOTSUPP);
            }
        }
        if (m.kernelTCP() != null && m.kernelTCP() != 0) {
            set("memory", "memory.kmem.tcp.limit_in_bytes", m.kernelTCP().toString(), p + "kernelTCP");
        }
        if (m.swappiness() != null && m.swappiness() >= 0) {
            if (m.swappiness() > 100) {
                throw new BulwarkException(p + "swappiness " + m.swappiness() + " is out of range 0-100", EINVAL);
            }
            set("memory", "memory.swappiness", m.swappiness().toString(), p + "swappiness");
        }
        if (m.disableOOMKiller() != null) {
            set("memory", "memory.oom_control", m.disableOOMKiller() ? "1" : "0", p + "disableOOMKiller");
        }
    }

    @Override
    void setPids(PidsResources pids) {
        if (pids.limit() != null && pids.limit() != 0) {
            set("pids", "pids.max", pids.limit() < 0 ? "max" : pids.limit().toString(), "linux.resources.pids.limit");
        }
    }

    @Override
    void setBlockIo(BlockIo b) {
        String p = "linux.resources.blockIO.";
        if (b.weight() != null && b.weight() != 0) {
            set("blkio", weightFile(p + "weight"), b.weight().toString(), p + "weight");
        }
        if (b.leafWeight() != null && b.leafWeight() != 0) {
            set("blkio", "blkio.leaf_weight", b.leafWeight().toString(), p + "leafWeight");
        }
        if (b.weightDevice() != null) {
            for (int i = 0; i < b.weightDevice().size(); i++) {
                WeightDevice d = b.weightDevice().get(i);
                String where = p + "weightDevice[" + i + "]";
                if (d.weight() != null && d.weight() != 0) {
                    String file = weightFile(where + ".weight") + "_device";
                    set("blkio", file, d.major() + ":" + d.minor() + " " + d.weight(), where + ".weight");
                }
                if (d.leafWeight() != null && d.leafWeight() != 0) {
                    set("blkio", "blkio.leaf_weight_device", d.major() + ":" + d.minor() + " " + d.leafWeight(),
                        where + ".leafWeight");
                }
            }
        }
        throttle(b.throttleReadBpsDevice(), "blkio.throttle.read_bps_device", p + "throttleReadBpsDevice");
        throttle(b.throttleWriteBpsDevice(), "blkio.throttle.write_bps_device", p + "throttleWriteBpsDevice");
        throttle(b.throttleReadIOPSDevice(), "blkio.throttle.read_iops_device", p + "throttleReadIOPSDevice");
        throttle(b.throttleWriteIOPSDevice(), "blkio.throttle.write_iops_device", p + "throttleWriteIOPSDevice");
    }

    /** CFQ's blkio.weight, or BFQ's blkio.bfq.weight as runc falls back to; neither is an error. */
    private String weightFile(String limit) {
        String d = dir("blkio", limit);
        if (fs.exists(d + "/blkio.weight")) {
            return "blkio.weight";
        }
        boolean bfqFile = fs.exists(d + "/blkio.bfq.weight");
        if (bfqFile && env.bfqInUse()) {
            return "blkio.bfq.weight";
        }
        throw new BulwarkException(limit + " needs blkio.weight (CFQ), which this host's blkio controller lacks"
            + (bfqFile ? ", and its blkio.bfq.weight would have no effect: no block device uses the BFQ scheduler"
                : ", nor does it have BFQ's blkio.bfq.weight")
            + "; refusing to run the container without this limit", EOPNOTSUPP);
    }

    private void throttle(List<ThrottleDevice> devices, String file, String limit) {
        if (devices == null) {
            return;
        }
        for (int i = 0; i < devices.size(); i++) {
            ThrottleDevice d = devices.get(i);
            set("blkio", file, d.major() + ":" + d.minor() + " " + d.rate(), limit + "[" + i + "]");
        }
    }

    @Override
    void setHugepages(List<HugepageLimit> limits) {
        for (int i = 0; i < limits.size(); i++) {
            HugepageLimit h = limits.get(i);
            String where = "linux.resources.hugepageLimits[" + i + "]";
            String file = "hugetlb." + h.pageSize() + ".limit_in_bytes";
            set("hugetlb", file, h.limit().toString(), where);
            if (has("hugetlb", "hugetlb." + h.pageSize() + ".rsvd.limit_in_bytes")) {
                set("hugetlb", "hugetlb." + h.pageSize() + ".rsvd.limit_in_bytes", h.limit().toString(), where);
            }
        }
    }

    @Override
    void setNetwork(NetworkResources n) {
        if (n.classID() != null) {
            set("net_cls", "net_cls.classid", n.classID().toString(), "linux.resources.network.classID");
        }
        if (n.priorities() != null) {
            for (int i = 0; i < n.priorities().size(); i++) {
                InterfacePriority ip = n.priorities().get(i);
                set("net_prio", "net_prio.ifpriomap", ip.name() + " " + ip.priority(),
                    "linux.resources.network.priorities[" + i + "]");
            }
        }
    }

    @Override
    void setRdma(Map<String, RdmaLimit> rdma) {
        for (Map.Entry<String, RdmaLimit> e : rdma.entrySet()) {
            set("rdma", "rdma.max", rdmaLine(e.getKey(), e.getValue()), "linux.resources.rdma." + e.getKey());
        }
    }

    static String rdmaLine(String device, RdmaLimit l) {
        return device + " hca_handle=" + (l.hcaHandles() == null ? "max" : l.hcaHandles())
            + " hca_object=" + (l.hcaObjects() == null ? "max" : l.hcaObjects());
    }

    @Override
    void setDevices(List<DeviceAccess> rules) {
        String limit = "linux.resources.devices";
        dir("devices", limit);
        for (DeviceAccess rule : rules) {
            set("devices", rule.allow() ? "devices.allow" : "devices.deny", rule.v1Line(), limit);
        }
    }

    // ---- freezer ----

    @Override
    boolean canFreeze() {
        return has("freezer", "freezer.state");
    }

    @Override
    public void freeze() {
        String state = dir("freezer", "pause") + "/freezer.state";
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
        for (int attempt = 0; ; attempt++) {
            fs.write(state, "FROZEN");
            if (fs.read(state).equals("FROZEN")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fs.write(state, "THAWED");
                throw new BulwarkException("cgroup " + location.cgroupsPath() + " did not freeze (a process is stuck"
                    + " in an uninterruptible sleep?)", EBUSY);
            }
            if (attempt % 50 == 49) {
                fs.write(state, "THAWED"); // a task stuck in FREEZING can make progress after a thaw
            }
            sleep(2);
        }
    }

    @Override
    public void thaw() {
        fs.write(dir("freezer", "resume") + "/freezer.state", "THAWED");
    }

    @Override
    public FreezerState freezerState() {
        String d = location.dirs().get("freezer");
        if (d == null) {
            return FreezerState.THAWED;
        }
        return FreezerState.valueOf(fs.readIfExists(d + "/freezer.state").orElse("THAWED"));
    }

    // ---- stats ----

    @Override
    public CgroupStats stats() {
        return new CgroupStats(cpuStats(), cpusetStats(), memoryStats(), pidsStats(), blkioStats(), hugetlbStats(),
            Map.of(), null);
    }

    private CgroupStats.Cpu cpuStats() {
        String acct = location.dirs().get("cpuacct");
        CgroupStats.CpuUsage usage = new CgroupStats.CpuUsage(0, 0, 0, List.of(), List.of(), List.of());
        if (acct != null) {
            Map<String, Long> ticks = keyValues(acct + "/cpuacct.stat");
            long nsPerTick = 1_000_000_000L / 100; // USER_HZ
            usage = new CgroupStats.CpuUsage(
                ticks.getOrDefault("system", 0L) * nsPerTick,
                ticks.getOrDefault("user", 0L) * nsPerTick,
                number(acct + "/cpuacct.usage", 0),
                longs(acct + "/cpuacct.usage_percpu"),
                longs(acct + "/cpuacct.usage_percpu_sys"),
                longs(acct + "/cpuacct.usage_percpu_user"));
        }
        String cpu = location.dirs().get("cpu");
        Map<String, Long> stat = cpu == null ? Map.of() : keyValues(cpu + "/cpu.stat");
        return new CgroupStats.Cpu(usage, new CgroupStats.Throttling(stat.getOrDefault("nr_periods", 0L),
            stat.getOrDefault("nr_throttled", 0L), stat.getOrDefault("throttled_time", 0L)));
    }

    private List<Long> longs(String path) {
        List<Long> out = new ArrayList<>();
        for (String v : fs.readIfExists(path).orElse("").split("\\s+")) {
            if (!v.isEmpty()) {
                out.add(Long.parseLong(v));
            }
        }
        return out;
    }

    private CgroupStats.CpuSet cpusetStats() {
        String d = location.dirs().get("cpuset");
        if (d == null) {
            return new CgroupStats.CpuSet(List.of(), List.of());
        }
        return new CgroupStats.CpuSet(cpuList(fs.readIfExists(d + "/cpuset.cpus").orElse("")),
            cpuList(fs.readIfExists(d + "/cpuset.mems").orElse("")));
    }

    private CgroupStats.Memory memoryStats() {
        String d = location.dirs().get("memory");
        if (d == null || !fs.isDirectory(d)) {
            CgroupStats.MemoryEntry e = CgroupStats.MemoryEntry.EMPTY;
            return new CgroupStats.Memory(0, e, e, e, e, Map.of());
        }
        Map<String, Long> raw = keyValues(d + "/memory.stat");
        return new CgroupStats.Memory(raw.getOrDefault("total_cache", raw.getOrDefault("cache", 0L)),
            memoryEntry(d, "memory"), memoryEntry(d, "memory.memsw"), memoryEntry(d, "memory.kmem"),
            memoryEntry(d, "memory.kmem.tcp"), raw);
    }

    private CgroupStats.MemoryEntry memoryEntry(String d, String prefix) {
        if (!fs.exists(d + "/" + prefix + ".usage_in_bytes")) {
            return CgroupStats.MemoryEntry.EMPTY;
        }
        return new CgroupStats.MemoryEntry(number(d + "/" + prefix + ".limit_in_bytes", 0),
            number(d + "/" + prefix + ".usage_in_bytes", 0), number(d + "/" + prefix + ".max_usage_in_bytes", 0),
            number(d + "/" + prefix + ".failcnt", 0));
    }

    private CgroupStats.Pids pidsStats() {
        String d = location.dirs().get("pids");
        if (d == null) {
            return new CgroupStats.Pids(0, 0);
        }
        return new CgroupStats.Pids(number(d + "/pids.current", 0), number(d + "/pids.max", 0));
    }

    private CgroupStats.Blkio blkioStats() {
        String d = location.dirs().get("blkio");
        if (d == null) {
            return new CgroupStats.Blkio(List.of(), List.of());
        }
        // CFQ's files when present, else BFQ's, else the throttling layer's (which sees every device)
        for (String prefix : List.of("blkio.", "blkio.bfq.", "blkio.throttle.")) {
            String bytes = d + "/" + prefix + "io_service_bytes_recursive";
            if (fs.exists(bytes)) {
                return new CgroupStats.Blkio(blkioEntries(bytes), blkioEntries(d + "/" + prefix
                    + "io_serviced_recursive"));
            }
        }
        return new CgroupStats.Blkio(List.of(), List.of());
    }

    /** Lines {@code 8:0 Read 4096}; the closing {@code Total N} line is left out, as runc does. */
    private List<CgroupStats.BlkioEntry> blkioEntries(String path) {
        List<CgroupStats.BlkioEntry> out = new ArrayList<>();
        for (String line : fs.readIfExists(path).orElse("").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 3 || !f[0].contains(":")) {
                continue;
            }
            String[] mm = f[0].split(":");
            out.add(new CgroupStats.BlkioEntry(Long.parseLong(mm[0]), Long.parseLong(mm[1]), f[1],
                Long.parseLong(f[2])));
        }
        return out;
    }

    private Map<String, CgroupStats.Hugetlb> hugetlbStats() {
        String d = location.dirs().get("hugetlb");
        Map<String, CgroupStats.Hugetlb> out = new LinkedHashMap<>();
        if (d == null) {
            return out;
        }
        for (String size : hugepageSizes(d, "hugetlb.", ".limit_in_bytes")) {
            String p = d + "/hugetlb." + size;
            out.put(size, new CgroupStats.Hugetlb(number(p + ".usage_in_bytes", 0),
                number(p + ".max_usage_in_bytes", 0), number(p + ".failcnt", 0)));
        }
        return out;
    }

    // ---- OOM events ----

    @Override
    public OomEventSource oomEvents() {
        String d = dir("memory", "OOM events");
        return new V1OomEvents(env.kernel(), fs, d);
    }

    /** memory.oom_control + an eventfd registered through cgroup.event_control. */
    static final class V1OomEvents implements OomEventSource {
        private final CgroupKernel kernel;
        private final CgroupFs fs;
        private final String dir;
        private final int eventFd;
        private final int controlFd;
        private volatile boolean closed;
        /** oom_kill count already reported: the eventfd fires on OOM state changes, sometimes twice per kill. */
        private long reportedKills;

        V1OomEvents(CgroupKernel kernel, CgroupFs fs, String dir) {
            this.kernel = kernel;
            this.fs = fs;
            this.dir = dir;
            this.reportedKills = oomControl("oom_kill");
            this.eventFd = kernel.eventfd();
            int control = -1;
            try {
                control = kernel.open(fs.root().resolve(dir + "/memory.oom_control").toString(), CgroupKernel.O_RDONLY);
                fs.write(dir + "/cgroup.event_control", eventFd + " " + control);
            } catch (BulwarkException e) {
                if (control >= 0) {
                    kernel.close(control);
                }
                kernel.close(eventFd);
                throw e;
            }
            this.controlFd = control;
        }

        private long oomControl(String key) {
            for (String line : fs.readIfExists(dir + "/memory.oom_control").orElse("").split("\n")) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals(key)) {
                    return Long.parseLong(kv[1]);
                }
            }
            return 0;
        }

        /** One event per OOM kill; with the OOM killer disabled, one per notification. */
        private boolean newEvent(boolean notified) {
            long kills = oomControl("oom_kill");
            if (kills > reportedKills) {
                reportedKills++;
                return true;
            }
            return notified && oomControl("oom_kill_disable") == 1;
        }

        @Override
        public boolean await(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            if (!closed && newEvent(false)) {
                return true;
            }
            while (!closed) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                // short polls so that close() and interrupts are noticed
                boolean fired;
                try {
                    fired = kernel.pollIn(eventFd, (int) Math.min(left, 200));
                    if (fired) {
                        kernel.readCounter(eventFd);
                    }
                } catch (BulwarkException e) {
                    if (closed) {
                        return false; // closed by another thread while polling
                    }
                    throw e;
                }
                if (fired) {
                    if (!fs.isDirectory(dir)) {
                        close(); // the kernel signals the eventfd when the cgroup goes away
                        return false;
                    }
                    if (newEvent(true)) {
                        return true;
                    }
                } else if (newEvent(false)) {
                    return true; // a kill counted after its notification was read
                }
            }
            return false;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                kernel.close(controlFd);
                kernel.close(eventFd);
            }
        }
    }
}
