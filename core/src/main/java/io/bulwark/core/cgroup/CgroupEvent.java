package io.bulwark.core.cgroup;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of {@code events}: {@code {"type":"stats","id":"c1","data":{...}}} or {@code {"type":"oom","id":"c1"}},
 * as runc prints them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CgroupEvent(String type, String id, CgroupStats data) {
    public static CgroupEvent stats(String id, CgroupStats stats) {
        return new CgroupEvent("stats", id, stats);
    }

    public static CgroupEvent oom(String id) {
        return new CgroupEvent("oom", id, null);
    }
}
