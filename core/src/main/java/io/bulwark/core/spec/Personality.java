package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** `linux.personality`. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Personality(
    String domain,
    List<String> flags) {
}
