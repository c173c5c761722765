package io.bulwark.core.cgroup;

import io.bulwark.core.spec.BlockIo;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.HugepageLimit;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.NetworkResources;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.spec.Spec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code update} does to a container's limits, as runc does it: the given fields replace the stored ones and
 * every other field stays, so the stored config always holds the limits in force (a later {@code update} or
 * {@code exec} starts from them).
 */
public final class ResourceUpdate {
    private ResourceUpdate() {
    }

    /** {@code current} with every field that {@code change} gives replaced (lists replaced whole, maps by key). */
    public static Resources merge(Resources current, Resources change) {
        if (current == null) {
            return change;
        }
        if (change == null) {
            return current;
        }
        return new Resources(
            pick(change.devices(), current.devices()),
            merge(current.memory(), change.memory()),
            merge(current.cpu(), change.cpu()),
            pick(change.pids(), current.pids()),
            merge(current.blockIO(), change.blockIO()),
            mergeHugepages(current.hugepageLimits(), change.hugepageLimits()),
            merge(current.network(), change.network()),
            mergeMap(current.rdma(), change.rdma()),
            mergeMap(current.unified(), change.unified()));
    }

    /** {@code spec} with its {@code linux.resources} merged with {@code change}. */
    public static Spec apply(Spec spec, Resources change) {
        Linux l = spec.linux() == null
            ? new Linux(null, null, null, null, null, null, null, null, null, null, null, null, null, null)
            : spec.linux();
        Linux updated = new Linux(l.namespaces(), l.uidMappings(), l.gidMappings(), l.timeOffsets(), l.devices(),
            l.cgroupsPath(), merge(l.resources(), change), l.rootfsPropagation(), l.seccomp(), l.sysctl(),
            l.maskedPaths(), l.readonlyPaths(), l.mountLabel(), l.personality());
        return new Spec(spec.ociVersion(), spec.process(), spec.root(), spec.hostname(), spec.domainname(),
            spec.mounts(), spec.hooks(), spec.annotations(), updated);
    }

    /**
     * The change to write to the cgroup: {@code change} itself, except that a memory limit or swap given alone is
     * paired with the other's current value, so the manager checks swap against the limit in force and writes the
     * two in the order the kernel accepts (it keeps limit at most memory+swap at every step).
     */
    public static Resources forCgroup(Resources current, Resources change) {
        if (change == null || change.memory() == null || current == null || current.memory() == null) {
            return change;
        }
        MemoryResources m = change.memory();
        MemoryResources now = current.memory();
        boolean limitOnly = given(m.limit()) && !given(m.swap()) && given(now.swap());
        boolean swapOnly = given(m.swap()) && !given(m.limit()) && given(now.limit());
        if (!limitOnly && !swapOnly) {
            return change;
        }
        MemoryResources paired = new MemoryResources(limitOnly ? m.limit() : now.limit(),
            m.reservation(), swapOnly ? m.swap() : now.swap(), m.kernel(), m.kernelTCP(), m.swappiness(),
            m.disableOOMKiller(), m.useHierarchy(), m.checkBeforeUpdate());
        return new Resources(change.devices(), paired, change.cpu(), change.pids(), change.blockIO(),
            change.hugepageLimits(), change.network(), change.rdma(), change.unified());
    }

    private static boolean given(Long v) {
        return v != null && v != 0;
    }

    private static <T> T pick(T change, T current) {
        return change != null ? change : current;
    }

    static MemoryResources merge(MemoryResources a, MemoryResources b) {
        if (a == null || b == null) {
            return pick(b, a);
        }
        return new MemoryResources(pick(b.limit(), a.limit()), pick(b.reservation(), a.reservation()),
            pick(b.swap(), a.swap()), pick(b.kernel(), a.kernel()), pick(b.kernelTCP(), a.kernelTCP()),
            pick(b.swappiness(), a.swappiness()), pick(b.disableOOMKiller(), a.disableOOMKiller()),
            pick(b.useHierarchy(), a.useHierarchy()), pick(b.checkBeforeUpdate(), a.checkBeforeUpdate()));
    }

    static CpuResources merge(CpuResources a, CpuResources b) {
        if (a == null || b == null) {
            return pick(b, a);
        }
        return new CpuResources(pick(b.shares(), a.shares()), pick(b.quota(), a.quota()), pick(b.burst(), a.burst()),
            pick(b.period(), a.period()), pick(b.realtimeRuntime(), a.realtimeRuntime()),
            pick(b.realtimePeriod(), a.realtimePeriod()), pick(b.cpus(), a.cpus()), pick(b.mems(), a.mems()),
            pick(b.idle(), a.idle()));
    }

    static BlockIo merge(BlockIo a, BlockIo b) {
        if (a == null || b == null) {
            return pick(b, a);
        }
        return new BlockIo(pick(b.weight(), a.weight()), pick(b.leafWeight(), a.leafWeight()),
            pick(b.weightDevice(), a.weightDevice()), pick(b.throttleReadBpsDevice(), a.throttleReadBpsDevice()),
            pick(b.throttleWriteBpsDevice(), a.throttleWriteBpsDevice()),
            pick(b.throttleReadIOPSDevice(), a.throttleReadIOPSDevice()),
            pick(b.throttleWriteIOPSDevice(), a.throttleWriteIOPSDevice()));
    }

    static NetworkResources merge(NetworkResources a, NetworkResources b) {
        if (a == null || b == null) {
            return pick(b, a);
        }
        return new NetworkResources(pick(b.classID(), a.classID()), pick(b.priorities(), a.priorities()));
    }

    /** Limits keyed by page size: a new limit for a size replaces the old one, other sizes stay. */
    static List<HugepageLimit> mergeHugepages(List<HugepageLimit> a, List<HugepageLimit> b) {
        if (a == null || b == null) {
            return pick(b, a);
        }
        Map<String, HugepageLimit> bySize = new LinkedHashMap<>();
        a.forEach(h -> bySize.put(h.pageSize(), h));
        b.forEach(h -> bySize.put(h.pageSize(), h));
        return new ArrayList<>(bySize.values());
    }

    static <V> Map<String, V> mergeMap(Map<String, V> a, Map<String, V> b) {
        if (a == null || b == null) {
            return pick(b, a);
        }
        Map<String, V> out = new LinkedHashMap<>(a);
        out.putAll(b);
        return out;
    }
}
