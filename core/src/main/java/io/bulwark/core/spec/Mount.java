package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** `mounts[]`: one mount in the container. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Mount(
    String destination,
    String source,
    List<String> options,
    String type,
    List<IdMapping> uidMappings,
    List<IdMapping> gidMappings) {
}
