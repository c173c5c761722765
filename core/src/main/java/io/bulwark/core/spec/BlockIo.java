package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** `linux.resources.blockIO`. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BlockIo(
    Integer weight,
    Integer leafWeight,
    List<WeightDevice> weightDevice,
    List<ThrottleDevice> throttleReadBpsDevice,
    List<ThrottleDevice> throttleWriteBpsDevice,
    List<ThrottleDevice> throttleReadIOPSDevice,
    List<ThrottleDevice> throttleWriteIOPSDevice) {
}
