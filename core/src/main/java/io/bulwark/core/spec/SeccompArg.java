package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * `linux.seccomp.syscalls[].args[]`: an argument comparison. {@code value} and {@code valueTwo} are the spec's
 * uint64 held bit for bit in a long (a mask of all ones reads as -1L).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SeccompArg(
    Integer index,
    @JsonDeserialize(using = UnsignedLongs.Deserializer.class) @JsonSerialize(using = UnsignedLongs.Serializer.class)
    Long value,
    @JsonDeserialize(using = UnsignedLongs.Deserializer.class) @JsonSerialize(using = UnsignedLongs.Serializer.class)
    Long valueTwo,
    String op) {
}
