package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** `linux`: Linux-specific configuration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Linux(
    List<Namespace> namespaces,
    List<IdMapping> uidMappings,
    List<IdMapping> gidMappings,
    Map<String, TimeOffset> timeOffsets,
    List<Device> devices,
    String cgroupsPath,
    Resources resources,
    String rootfsPropagation,
    Seccomp seccomp,
    Map<String, String> sysctl,
    List<String> maskedPaths,
    List<String> readonlyPaths,
    String mountLabel,
    Personality personality) {
}
