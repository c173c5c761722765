package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A net_prio interface priority. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InterfacePriority(
    String name,
    Long priority) {
}
