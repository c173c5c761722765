package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** `linux.resources.memory` (bytes; -1 means unlimited). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemoryResources(
    Long limit,
    Long reservation,
    Long swap,
    Long kernel,
    Long kernelTCP,
    Long swappiness,
    Boolean disableOOMKiller,
    Boolean useHierarchy,
    Boolean checkBeforeUpdate) {
}
