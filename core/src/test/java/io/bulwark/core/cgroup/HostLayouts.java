package io.bulwark.core.cgroup;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Fake cgroup trees shaped like real hosts, for unit tests. */
final class HostLayouts {
    private HostLayouts() {
    }

    /** /proc/self/cgroup of a process whose memory cgroup is below the root, as on the project's machines. */
    static final String PROC_SELF_CGROUP = """
        9:name=systemd:/
        8:pids:/
        7:blkio:/
        6:freezer:/
        5:devices:/
        4:memory:/outer/job
        3:cpuset:/
        2:cpuacct:/
        1:cpu:/
        0::/
        """;

    static Map<String, String> files(String... namesAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    /**
     * The project machines' v1 hybrid: cpu and cpuacct mounted apart, no blkio.weight (no CFQ/BFQ weights),
     * net_cls/net_prio not mounted, hugetlb bound to the v2 mount at unified/.
     */
    static FakeCgroupFs hybridV1(Path root) {
        FakeCgroupFs fs = new FakeCgroupFs(root);
        fs.hierarchy("cpu", files("cgroup.procs", "", "tasks", "", "cpu.shares", "1024", "cpu.cfs_period_us", "100000",
            "cpu.cfs_quota_us", "-1", "cpu.cfs_burst_us", "0", "cpu.rt_period_us", "1000000", "cpu.rt_runtime_us",
            "0", "cpu.idle", "0", "cpu.stat", "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n"));
        fs.hierarchy("cpuacct", files("cgroup.procs", "", "cpuacct.usage", "0", "cpuacct.stat", "user 0\nsystem 0\n",
            "cpuacct.usage_percpu", "0 0", "cpuacct.usage_percpu_sys", "0 0", "cpuacct.usage_percpu_user", "0 0"));
        fs.hierarchy("cpuset", files("cgroup.procs", "", "cpuset.cpus", "", "cpuset.mems", ""));
        fs.put("cpuset/cpuset.cpus", "0-1");
        fs.put("cpuset/cpuset.mems", "0");
        fs.hierarchy("memory", files("cgroup.procs", "", "cgroup.event_control", "",
            "memory.limit_in_bytes", "9223372036854771712", "memory.usage_in_bytes", "0",
            "memory.max_usage_in_bytes", "0", "memory.failcnt", "0", "memory.soft_limit_in_bytes",
            "9223372036854771712", "memory.memsw.limit_in_bytes", "9223372036854771712",
            "memory.memsw.usage_in_bytes", "0", "memory.memsw.max_usage_in_bytes", "0", "memory.memsw.failcnt", "0",
            "memory.kmem.limit_in_bytes", "9223372036854771712", "memory.kmem.usage_in_bytes", "0",
            "memory.kmem.tcp.limit_in_bytes", "9223372036854771712", "memory.kmem.tcp.usage_in_bytes", "0",
            "memory.swappiness", "60", "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n",
            "memory.use_hierarchy", "1", "memory.stat", "cache 0\nrss 0\n"));
        fs.hierarchy("devices", files("cgroup.procs", "", "devices.allow", "", "devices.deny", "", "devices.list",
            "a *:* rwm"));
        fs.hierarchy("freezer", files("cgroup.procs", "", "freezer.state", "THAWED"));
        fs.remove("freezer/freezer.state"); // the root cgroup has no freezer.state
        fs.hierarchy("blkio", files("cgroup.procs", "", "blkio.throttle.read_bps_device", "",
            "blkio.throttle.write_bps_device", "", "blkio.throttle.read_iops_device", "",
            "blkio.throttle.write_iops_device", "", "blkio.throttle.io_service_bytes_recursive", "Total 0",
            "blkio.throttle.io_serviced_recursive", "Total 0"));
        fs.hierarchy("pids", files("cgroup.procs", "", "pids.max", "max", "pids.current", "0", "pids.events",
            "max 0"));
        fs.hierarchy("systemd", files("cgroup.procs", ""));
        fs.put("unified/cgroup.controllers", "hugetlb");
        fs.put("unified/cgroup.procs", "");
        fs.writes.clear();
        return fs;
    }

    /** A unified (v2) host with the usual controllers, memory.swap, hugetlb 2MB and no io.bfq. */
    static FakeCgroupFs unified(Path root) {
        FakeCgroupFs fs = new FakeCgroupFs(root);
        fs.unified(files("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma",
            "cgroup.subtree_control", "", "cgroup.procs", "", "cgroup.freeze", "0", "cgroup.kill", "",
            "cgroup.events", "populated 0\nfrozen 0\n", "cpu.weight", "100", "cpu.max", "max 100000",
            "cpu.max.burst", "0", "cpu.idle", "0", "cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\n",
            "cpuset.cpus", "", "cpuset.mems", "", "cpuset.cpus.effective", "0-1", "cpuset.mems.effective", "0",
            "memory.max", "max", "memory.high", "max", "memory.low", "0", "memory.swap.max", "max", "memory.swap.current", "0",
            "memory.current", "0", "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n", "memory.stat",
            "anon 0\nfile 0\n", "pids.max", "max", "pids.current", "0", "io.weight", "default 100", "io.max", "",
            "io.stat", "", "hugetlb.2MB.max", "max", "hugetlb.2MB.current", "0", "hugetlb.2MB.events", "max 0\n",
            "rdma.max", ""));
        fs.writes.clear();
        return fs;
    }
}
