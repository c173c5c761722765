package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * `process.rlimits[]`: one POSIX resource limit (`RLIMIT_...`). {@code soft} and {@code hard} are the spec's
 * uint64 held bit for bit in a long: compare them with {@link Long#compareUnsigned}; -1L is RLIM_INFINITY.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rlimit(
    String type,
    @JsonDeserialize(using = UnsignedLongs.Deserializer.class) @JsonSerialize(using = UnsignedLongs.Serializer.class)
    Long soft,
    @JsonDeserialize(using = UnsignedLongs.Deserializer.class) @JsonSerialize(using = UnsignedLongs.Serializer.class)
    Long hard) {
}
