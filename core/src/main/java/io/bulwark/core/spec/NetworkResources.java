package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** `linux.resources.network` (v1 net_cls/net_prio). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkResources(
    Long classID,
    List<InterfacePriority> priorities) {
}
