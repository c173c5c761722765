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
import io.bulwark.core.spec.ThrottleDevice;
import io.bulwark.core.spec.WeightDevice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** cgroup v2: one directory in the unified hierarchy; devices through an eBPF program. */
final class V2CgroupManager extends AbstractCgroupManager {
    private final String dir;

    V2CgroupManager(CgroupEnvironment env, CgroupLocation location) {
        super(env, location);
        this.dir = location.dirs().get("");
    }

    @Override
    public CgroupVersion version() {
        return CgroupVersion.V2;
    }

    @Override
    String procsDir() {
        return dir;
    }

    @Override
    public void create() {
        String[] segments = dir.split("/");
        String path = "";
        for (String segment : segments) {
            enableControllers(path);
            path = path.isEmpty() ? segment : path + "/" + segment;
            fs.mkdirs(path);
        }
    }

    /** Makes every controller the parent has available to its children (one at a time: some may be refused). */
    private void enableControllers(String parent) {
        String prefix = parent.isEmpty() ? "" : parent + "/";
        String available = fs.readIfExists(prefix + "cgroup.controllers").orElse("");
        Set<String> enabled = Set.of(fs.readIfExists(prefix + "cgroup.subtree_control").orElse("").split("\\s+"));
        for (String c : available.split("\\s+")) {
            if (!c.isEmpty() && !enabled.contains(c)) {
                try {
                    fs.write(prefix + "cgroup.subtree_control", "+" + c);
                } catch (BulwarkException e) {
                    // a limit that needs it fails later, naming the controller
                }
            }
        }
    }

    private Set<String> controllers() {
        return Set.of(fs.readIfExists(dir + "/cgroup.controllers").orElse("").split("\\s+"));
    }

    private boolean has(String file) {
        return fs.exists(dir + "/" + file);
    }

    /** Writes one limit; a missing file names the controller that is not enabled, or the kernel feature. */
    private void set(String file, String value, String limit) {
        String path = dir + "/" + file;
        if (!fs.exists(path)) {
            String controller = file.substring(0, file.indexOf('.'));
            if (!controllers().contains(controller)) {
                throw new BulwarkException(limit + " needs the " + controller + " cgroup v2 controller, which is not"
                    + " available in " + fs.root().resolve(dir) + " (cgroup.controllers: \""
                    + fs.readIfExists(dir + "/cgroup.controllers").orElse("") + "\"); refusing to run the container"
                    + " without this limit", EOPNOTSUPP);
            }
            throw new BulwarkException(limit + " needs " + file + ", which this host's kernel does not provide;"
                + " refusing to run the container without this limit", EOPNOTSUPP);
        }
        writeLimit(path, value, limit);
    }

    private static BulwarkException noV2(String limit, String what) {
        return new BulwarkException(limit + " has no cgroup v2 equivalent (" + what + "); refusing to run the"
            + " container without this limit", EOPNOTSUPP);
    }

    @Override
    void refuseUnsupported(Resources r) {
        if (r.network() != null && (r.network().classID() != null
            || r.network().priorities() != null && !r.network().priorities().isEmpty())) {
            throw noV2("linux.resources.network", "net_cls and net_prio exist only in cgroup v1");
        }
    }

    @Override
    void setNetwork(NetworkResources n) {
        // refused above when it asks for anything
    }

    @Override
    void setHugepages(List<HugepageLimit> limits) {
        for (int i = 0; i < limits.size(); i++) {
            HugepageLimit h = limits.get(i);
            String where = "linux.resources.hugepageLimits[" + i + "]";
            set("hugetlb." + h.pageSize() + ".max", h.limit().toString(), where);
            if (has("hugetlb." + h.pageSize() + ".rsvd.max")) {
                set("hugetlb." + h.pageSize() + ".rsvd.max", h.limit().toString(), where);
            }
        }
    }

    @Override
    void setRdma(Map<String, RdmaLimit> rdma) {
        for (Map.Entry<String, RdmaLimit> e : rdma.entrySet()) {
            set("rdma.max", V1CgroupManager.rdmaLine(e.getKey(), e.getValue()), "linux.resources.rdma." + e.getKey());
        }
    }

    @Override
    void setCpu(CpuResources cpu) {
        String p = "linux.resources.cpu.";
        if (cpu.realtimePeriod() != null && cpu.realtimePeriod() != 0
            || cpu.realtimeRuntime() != null && cpu.realtimeRuntime() != 0) {
            throw noV2(p + "realtimeRuntime/realtimePeriod", "cgroup v2 has no real-time CPU bandwidth control");
        }
        if (cpu.shares() != null && cpu.shares() != 0) {
            set("cpu.weight", Long.toString(ResourceConversions.cpuSharesToWeight(cpu.shares())), p + "shares");
        }
        boolean quota = cpu.quota() != null && cpu.quota() != 0;
        boolean period = cpu.period() != null && cpu.period() != 0;
        if (quota || period) {
            Long q = cpu.quota();
            if (!quota) {
                // only the period changes: keep the quota in force
                String current = fs.readIfExists(dir + "/cpu.max").orElse("max").split("\\s+")[0];
                q = current.equals("max") ? -1L : Long.parseLong(current);
            }
            set("cpu.max", ResourceConversions.cpuMax(q, cpu.period()), p + (quota ? "quota" : "period"));
        }
        if (cpu.burst() != null) {
            set("cpu.max.burst", cpu.burst().toString(), p + "burst");
        }
        if (cpu.idle() != null) {
            set("cpu.idle", cpu.idle().toString(), p + "idle");
        }
        if (cpu.cpus() != null && !cpu.cpus().isEmpty()) {
            set("cpuset.cpus", cpu.cpus(), p + "cpus");
        }
        if (cpu.mems() != null && !cpu.mems().isEmpty()) {
            set("cpuset.mems", cpu.mems(), p + "mems");
        }
    }

    @Override
    void setMemory(MemoryResources m) {
        String p = "linux.resources.memory.";
        if (m.kernel() != null && m.kernel() != 0 || m.kernelTCP() != null && m.kernelTCP() != 0) {
            throw noV2(p + "kernel/kernelTCP", "kernel memory is charged to memory.max");
        }
        if (m.swappiness() != null && m.swappiness() >= 0) {
            throw noV2(p + "swappiness", "cgroup v2 has no per-cgroup swappiness");
        }
        if (Boolean.TRUE.equals(m.disableOOMKiller())) {
            throw noV2(p + "disableOOMKiller", "cgroup v2 cannot disable the OOM killer");
        }
        if (Boolean.FALSE.equals(m.useHierarchy())) {
            throw noV2(p + "useHierarchy=false", "cgroup v2 is always hierarchical");
        }
        Long limit = m.limit() != null && m.limit() != 0 ? m.limit() : null;
        if (limit != null && limit > 0 && Boolean.TRUE.equals(m.checkBeforeUpdate())) {
            long usage = number(dir + "/memory.current", 0);
            if (usage > limit) {
                throw new BulwarkException(p + "limit " + limit + " is below the container's current usage of "
                    + usage + " bytes (checkBeforeUpdate is set)", EBUSY);
            }
        }
        if (m.swap() != null && m.swap() != 0) {
            long memory = limit != null ? limit : number(dir + "/memory.max", -1);
            long swap = ResourceConversions.memorySwapToV2(m.swap(), memory);
            set("memory.swap.max", ResourceConversions.v2Limit(swap), p + "swap");
        } else if (limit != null && limit == -1 && has("memory.swap.max")) {
            set("memory.swap.max", "max", p + "swap");
        }
        if (limit != null) {
            set("memory.max", ResourceConversions.v2Limit(limit), p + "limit");
        }
        if (m.reservation() != null && m.reservation() != 0) {
            set("memory.low", ResourceConversions.v2Limit(m.reservation()), p + "reservation");
        }
    }

    @Override
    void setPids(PidsResources pids) {
        if (pids.limit() != null && pids.limit() != 0) {
            set("pids.max", ResourceConversions.v2Limit(pids.limit()), "linux.resources.pids.limit");
        }
    }

    @Override
    void setBlockIo(BlockIo b) {
        String p = "linux.resources.blockIO.";
        if (b.leafWeight() != null && b.leafWeight() != 0) {
            throw noV2(p + "leafWeight", "cgroup v2 has no leaf weights");
        }
        boolean bfq = has("io.bfq.weight");
        if (b.weight() != null && b.weight() != 0) {
            if (bfq) {
                set("io.bfq.weight", b.weight().toString(), p + "weight");
            } else {
                set("io.weight", "default " + ResourceConversions.blkioWeightToIoWeight(b.weight()), p + "weight");
            }
        }
        if (b.weightDevice() != null) {
            for (int i = 0; i < b.weightDevice().size(); i++) {
                WeightDevice d = b.weightDevice().get(i);
                String where = p + "weightDevice[" + i + "]";
                if (d.leafWeight() != null && d.leafWeight() != 0) {
                    throw noV2(where + ".leafWeight", "cgroup v2 has no leaf weights");
                }
                if (d.weight() != null && d.weight() != 0) {
                    String dev = d.major() + ":" + d.minor() + " ";
                    if (bfq) {
                        set("io.bfq.weight", dev + d.weight(), where + ".weight");
                    } else {
                        set("io.weight", dev + ResourceConversions.blkioWeightToIoWeight(d.weight()), where + ".weight");
                    }
                }
            }
        }
        ioMax(b.throttleReadBpsDevice(), "rbps", p + "throttleReadBpsDevice");
        ioMax(b.throttleWriteBpsDevice(), "wbps", p + "throttleWriteBpsDevice");
        ioMax(b.throttleReadIOPSDevice(), "riops", p + "throttleReadIOPSDevice");
        ioMax(b.throttleWriteIOPSDevice(), "wiops", p + "throttleWriteIOPSDevice");
    }

    private void ioMax(List<ThrottleDevice> devices, String key, String limit) {
        if (devices == null) {
            return;
        }
        for (int i = 0; i < devices.size(); i++) {
            ThrottleDevice d = devices.get(i);
            String rate = d.rate() == null || d.rate() == 0 ? "max" : d.rate().toString();
            set("io.max", d.major() + ":" + d.minor() + " " + key + "=" + rate, limit + "[" + i + "]");
        }
    }

    @Override
    void setUnified(Map<String, String> unified) {
        for (Map.Entry<String, String> e : new TreeMap<>(unified).entrySet()) {
            String key = e.getKey();
            String where = "linux.resources.unified[\"" + key + "\"]";
            if (key.isEmpty() || key.contains("/") || key.startsWith(".") || !key.contains(".")) {
                throw new BulwarkException(where + ": not a cgroup interface file name", EINVAL);
            }
            if (key.startsWith("cgroup.")) {
                throw new BulwarkException(where + ": cgroup.* core files are managed by Bulwark", EINVAL);
            }
            set(key, e.getValue(), where);
        }
    }

    // ---- devices: an eBPF program replaces devices.allow/deny ----

    @Override
    void setDevices(List<DeviceAccess> rules) {
        byte[] program = DeviceFilter.compile(rules);
        CgroupKernel k = env.kernel();
        int cgroup = k.open(fs.root().resolve(dir).toString(), CgroupKernel.O_RDONLY | CgroupKernel.O_DIRECTORY);
        try {
            int[] previous = k.bpfProgQuery(cgroup, DeviceFilter.BPF_CGROUP_DEVICE);
            int prog;
            try {
                prog = k.bpfProgLoad(DeviceFilter.BPF_PROG_TYPE_CGROUP_DEVICE, program, DeviceFilter.LICENSE);
            } catch (BulwarkException e) {
                throw new BulwarkException("linux.resources.devices: the kernel refused the device filter: "
                    + e.getMessage(), e.errno(), 1, e);
            }
            try {
                k.bpfProgAttach(cgroup, prog, DeviceFilter.BPF_CGROUP_DEVICE, DeviceFilter.BPF_F_ALLOW_MULTI);
            } finally {
                k.close(prog); // the attached program stays referenced by the cgroup
            }
            // The new filter is in force; now the old ones can go (both at once only ever narrows access).
            for (int id : previous) {
                int old = k.bpfProgGetFdById(id);
                try {
                    k.bpfProgDetach(cgroup, old, DeviceFilter.BPF_CGROUP_DEVICE);
                } finally {
                    k.close(old);
                }
            }
        } finally {
            k.close(cgroup);
        }
    }

    // ---- freezer ----

    @Override
    boolean canFreeze() {
        return has("cgroup.freeze");
    }

    @Override
    public void freeze() {
        fs.write(dir + "/cgroup.freeze", "1");
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
        while (keyValues(dir + "/cgroup.events").getOrDefault("frozen", 0L) != 1) {
            if (System.nanoTime() > deadline) {
                fs.write(dir + "/cgroup.freeze", "0");
                throw new BulwarkException("cgroup " + location.cgroupsPath() + " did not freeze", EBUSY);
            }
            sleep(2);
        }
    }

    @Override
    public void thaw() {
        fs.write(dir + "/cgroup.freeze", "0");
    }

    @Override
    public FreezerState freezerState() {
        if (!fs.readIfExists(dir + "/cgroup.freeze").orElse("0").equals("1")) {
            return FreezerState.THAWED;
        }
        return keyValues(dir + "/cgroup.events").getOrDefault("frozen", 0L) == 1
            ? FreezerState.FROZEN : FreezerState.FREEZING;
    }

    @Override
    public void killAll(int signal) {
        if (signal == SIGKILL && has("cgroup.kill")) {
            fs.write(dir + "/cgroup.kill", "1"); // the kernel kills the whole subtree, forks included
            awaitEmpty();
            return;
        }
        super.killAll(signal);
    }

    // ---- stats ----

    @Override
    public CgroupStats stats() {
        Map<String, Long> cpu = keyValues(dir + "/cpu.stat");
        CgroupStats.Cpu cpuStats = new CgroupStats.Cpu(
            new CgroupStats.CpuUsage(cpu.getOrDefault("system_usec", 0L) * 1000,
                cpu.getOrDefault("user_usec", 0L) * 1000, cpu.getOrDefault("usage_usec", 0L) * 1000,
                List.of(), List.of(), List.of()),
            new CgroupStats.Throttling(cpu.getOrDefault("nr_periods", 0L), cpu.getOrDefault("nr_throttled", 0L),
                cpu.getOrDefault("throttled_usec", 0L) * 1000));
        CgroupStats.CpuSet cpuset = new CgroupStats.CpuSet(
            cpuList(fs.readIfExists(dir + "/cpuset.cpus.effective").orElse("")),
            cpuList(fs.readIfExists(dir + "/cpuset.mems.effective").orElse("")));
        Map<String, Long> raw = keyValues(dir + "/memory.stat");
        Map<String, Long> events = keyValues(dir + "/memory.events");
        long unlimited = Long.MAX_VALUE;
        CgroupStats.MemoryEntry usage = new CgroupStats.MemoryEntry(number(dir + "/memory.max", unlimited),
            number(dir + "/memory.current", 0), number(dir + "/memory.peak", 0), events.getOrDefault("max", 0L));
        Map<String, Long> swapEvents = keyValues(dir + "/memory.swap.events");
        CgroupStats.MemoryEntry swap = has("memory.swap.current")
            ? new CgroupStats.MemoryEntry(number(dir + "/memory.swap.max", unlimited),
                number(dir + "/memory.swap.current", 0), number(dir + "/memory.swap.peak", 0),
                swapEvents.getOrDefault("max", 0L))
            : CgroupStats.MemoryEntry.EMPTY;
        CgroupStats.Memory memory = new CgroupStats.Memory(raw.getOrDefault("file", 0L), usage, swap,
            CgroupStats.MemoryEntry.EMPTY, CgroupStats.MemoryEntry.EMPTY, raw);
        CgroupStats.Pids pids = new CgroupStats.Pids(number(dir + "/pids.current", 0), number(dir + "/pids.max", 0));
        return new CgroupStats(cpuStats, cpuset, memory, pids, ioStats(), hugetlbStats(), Map.of(), null);
    }

    /** io.stat lines {@code 8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0} as runc's blkio entries. */
    private CgroupStats.Blkio ioStats() {
        List<CgroupStats.BlkioEntry> bytes = new ArrayList<>();
        List<CgroupStats.BlkioEntry> ios = new ArrayList<>();
        for (String line : fs.readIfExists(dir + "/io.stat").orElse("").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || !f[0].contains(":")) {
                continue;
            }
            String[] mm = f[0].split(":");
            long major = Long.parseLong(mm[0]);
            long minor = Long.parseLong(mm[1]);
            for (String kv : Arrays.copyOfRange(f, 1, f.length)) {
                String[] pair = kv.split("=", 2);
                if (pair.length != 2) {
                    continue;
                }
                long value = Long.parseLong(pair[1]);
                switch (pair[0]) {
                    case "rbytes" -> bytes.add(new CgroupStats.BlkioEntry(major, minor, "Read", value));
                    case "wbytes" -> bytes.add(new CgroupStats.BlkioEntry(major, minor, "Write", value));
                    case "dbytes" -> bytes.add(new CgroupStats.BlkioEntry(major, minor, "Discard", value));
                    case "rios" -> ios.add(new CgroupStats.BlkioEntry(major, minor, "Read", value));
                    case "wios" -> ios.add(new CgroupStats.BlkioEntry(major, minor, "Write", value));
                    case "dios" -> ios.add(new CgroupStats.BlkioEntry(major, minor, "Discard", value));
                    default -> { }
                }
            }
        }
        return new CgroupStats.Blkio(bytes, ios);
    }

    private Map<String, CgroupStats.Hugetlb> hugetlbStats() {
        Map<String, CgroupStats.Hugetlb> out = new LinkedHashMap<>();
        for (String size : hugepageSizes(dir, "hugetlb.", ".max")) {
            String p = dir + "/hugetlb." + size;
            out.put(size, new CgroupStats.Hugetlb(number(p + ".current", 0), number(p + ".max", 0),
                keyValues(p + ".events").getOrDefault("max", 0L)));
        }
        return out;
    }

    // ---- OOM events ----

    @Override
    public OomEventSource oomEvents() {
        if (!has("memory.events")) {
            throw new BulwarkException("OOM events need the memory cgroup v2 controller, which is not available in "
                + fs.root().resolve(dir), EOPNOTSUPP);
        }
        return new V2OomEvents();
    }

    /** Watches memory.events' oom_kill count (the kernel also raises a file-modified event there). */
    private final class V2OomEvents implements OomEventSource {
        private long seen = oomKills();
        private volatile boolean closed;

        private long oomKills() {
            return keyValues(dir + "/memory.events").getOrDefault("oom_kill", 0L);
        }

        @Override
        public boolean await(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!closed) {
                if (!fs.isDirectory(dir)) {
                    closed = true;
                    return false;
                }
                long now = oomKills();
                if (now > seen) {
                    seen++;
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(50);
            }
            return false;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
