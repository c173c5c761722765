package io.bulwark.core.plan;

import java.util.List;

/** Credentials of the process. {@code umask} is null to keep the inherited one. */
public record UserPlan(long uid, long gid, Integer umask, List<Long> additionalGids) {
    public UserPlan {
        additionalGids = List.copyOf(additionalGids);
    }
}
