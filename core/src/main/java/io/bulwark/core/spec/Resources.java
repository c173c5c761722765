package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** `linux.resources`: cgroup limits. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Resources(
    List<DeviceRule> devices,
    MemoryResources memory,
    CpuResources cpu,
    PidsResources pids,
    BlockIo blockIO,
    List<HugepageLimit> hugepageLimits,
    NetworkResources network,
    Map<String, RdmaLimit> rdma,
    Map<String, String> unified) {
}
