package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** `process.capabilities`: the five capability sets, by name (`CAP_...`). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Capabilities(
    List<String> bounding,
    List<String> effective,
    List<String> inheritable,
    List<String> permitted,
    List<String> ambient) {
}
