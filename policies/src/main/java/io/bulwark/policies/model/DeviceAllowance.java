package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A device a container may have: type ({@code c}, {@code b}, or {@code a} for both), major and minor numbers
 * (absent: any) and the access it may get ({@code r}, {@code w}, {@code m}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceAllowance(String type, Long major, Long minor, String access) {

    /** Whether a device (or a device cgroup rule, where null numbers mean any) with this access is covered. */
    public boolean covers(String otherType, Long otherMajor, Long otherMinor, String otherAccess) {
        boolean typeOk = "a".equals(type) || type.equals(otherType);
        boolean majorOk = major == null || major.equals(otherMajor);
        boolean minorOk = minor == null || minor.equals(otherMinor);
        String have = access == null ? "rwm" : access;
        String want = otherAccess == null ? "rwm" : otherAccess;
        boolean accessOk = want.chars().allMatch(ch -> have.indexOf(ch) >= 0);
        return typeOk && majorOk && minorOk && accessOk;
    }
}
