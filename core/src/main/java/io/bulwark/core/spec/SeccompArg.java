package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** `linux.seccomp.syscalls[].args[]`: an argument comparison. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SeccompArg(
    Integer index,
    Long value,
    Long valueTwo,
    String op) {
}
