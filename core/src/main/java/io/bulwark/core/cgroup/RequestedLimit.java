package io.bulwark.core.cgroup;

import io.bulwark.core.spec.BlockIo;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One limit a config asks for, and the cgroup v2 controller that enforces it: what a rootless container can only
 * have where that controller is delegated to the caller.
 *
 * @param path       the JSON path of the field ({@code $.linux.resources.memory.limit})
 * @param group      the top-level field of {@code linux.resources} it belongs to ({@code memory}, {@code cpu}, ...)
 * @param controller the v2 controller, {@code ""} for a core interface file ({@code cgroup.*}), or null when
 *                   cgroup v2 has no equivalent
 */
public record RequestedLimit(String path, String group, String controller) {
    private static final String R = "$.linux.resources.";

    /**
     * Every limit in {@code r} (null: none). A value that means "no limit" (0, -1, an empty list) asks for
     * nothing. Device rules are not here: see {@link RootlessCgroups}.
     */
    public static List<RequestedLimit> of(Resources r) {
        List<RequestedLimit> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        MemoryResources m = r.memory();
        if (m != null) {
            add(out, limit(m.limit()), "memory", "limit", "memory");
            add(out, limit(m.reservation()), "memory", "reservation", "memory");
            add(out, limit(m.swap()), "memory", "swap", "memory");
            add(out, limit(m.kernel()), "memory", "kernel", null);
            add(out, limit(m.kernelTCP()), "memory", "kernelTCP", null);
            add(out, m.swappiness() != null && m.swappiness() >= 0, "memory", "swappiness", null);
            add(out, Boolean.TRUE.equals(m.disableOOMKiller()), "memory", "disableOOMKiller", null);
        }
        CpuResources c = r.cpu();
        if (c != null) {
            add(out, nonZero(c.shares()), "cpu", "shares", "cpu");
            add(out, limit(c.quota()), "cpu", "quota", "cpu");
            add(out, nonZero(c.burst()), "cpu", "burst", "cpu");
            add(out, nonZero(c.idle()), "cpu", "idle", "cpu");
            add(out, nonZero(c.realtimeRuntime()), "cpu", "realtimeRuntime", null);
            add(out, nonZero(c.realtimePeriod()), "cpu", "realtimePeriod", null);
            add(out, c.cpus() != null && !c.cpus().isBlank(), "cpu", "cpus", "cpuset");
            add(out, c.mems() != null && !c.mems().isBlank(), "cpu", "mems", "cpuset");
        }
        if (r.pids() != null) {
            add(out, r.pids().limit() != null && r.pids().limit() > 0, "pids", "limit", "pids");
        }
        BlockIo b = r.blockIO();
        if (b != null) {
            add(out, b.weight() != null && b.weight() != 0, "blockIO", "weight", "io");
            add(out, b.leafWeight() != null && b.leafWeight() != 0, "blockIO", "leafWeight", "io");
            add(out, nonEmpty(b.weightDevice()), "blockIO", "weightDevice", "io");
            add(out, nonEmpty(b.throttleReadBpsDevice()), "blockIO", "throttleReadBpsDevice", "io");
            add(out, nonEmpty(b.throttleWriteBpsDevice()), "blockIO", "throttleWriteBpsDevice", "io");
            add(out, nonEmpty(b.throttleReadIOPSDevice()), "blockIO", "throttleReadIOPSDevice", "io");
            add(out, nonEmpty(b.throttleWriteIOPSDevice()), "blockIO", "throttleWriteIOPSDevice", "io");
        }
        if (r.hugepageLimits() != null) {
            for (int i = 0; i < r.hugepageLimits().size(); i++) {
                out.add(new RequestedLimit(R + "hugepageLimits[" + i + "]", "hugepageLimits", "hugetlb"));
            }
        }
        if (r.network() != null) {
            add(out, r.network().classID() != null, "network", "classID", null);
            add(out, nonEmpty(r.network().priorities()), "network", "priorities", null);
        }
        if (r.rdma() != null) {
            for (String device : r.rdma().keySet()) {
                out.add(new RequestedLimit(R + "rdma." + device, "rdma", "rdma"));
            }
        }
        if (r.unified() != null) {
            for (Map.Entry<String, String> e : r.unified().entrySet()) {
                String key = e.getKey();
                int dot = key.indexOf('.');
                String controller = dot <= 0 ? null : key.substring(0, dot);
                out.add(new RequestedLimit(R + "unified[\"" + key + "\"]", "unified",
                    "cgroup".equals(controller) ? "" : controller));
            }
        }
        return out;
    }

    private static void add(List<RequestedLimit> out, boolean present, String group, String field, String controller) {
        if (present) {
            out.add(new RequestedLimit(R + group + "." + field, group, controller));
        }
    }

    /** A byte or time limit: 0 and negative values (-1 is "unlimited") ask for none. */
    private static boolean limit(Long v) {
        return v != null && v > 0;
    }

    private static boolean nonZero(Long v) {
        return v != null && v != 0;
    }

    private static boolean nonEmpty(List<?> l) {
        return l != null && !l.isEmpty();
    }
}
