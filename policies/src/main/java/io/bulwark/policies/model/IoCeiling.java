package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Disk I/O ceilings for one block device ({@code major:minor}); each present rate is both the ceiling and the
 * throttle applied when a bundle sets none for that device.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IoCeiling(Long major, Long minor, ByteSize readBps, ByteSize writeBps, Long readIops, Long writeIops) {

    public boolean sameDevice(IoCeiling other) {
        return major.equals(other.major) && minor.equals(other.minor);
    }
}
