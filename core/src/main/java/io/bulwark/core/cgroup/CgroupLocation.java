package io.bulwark.core.cgroup;

import io.bulwark.core.BulwarkException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a container's cgroup is, resolved once at create time and kept in the container's state, so that later
 * commands (which may run in other cgroups themselves) find the same directories.
 *
 * @param version     the hierarchy version
 * @param cgroupsPath the path as the config gave it, or the default {@code bulwark/<id>}
 * @param dirs        v1: controller to directory relative to the cgroupfs root ({@code memory/a/b}); v2: {@code ""}
 *                    to the directory relative to the unified root
 * @param isDefault   true when Bulwark chose the path (then {@link CgroupManager#destroy} also removes the empty
 *                    {@code bulwark} parent)
 */
public record CgroupLocation(CgroupVersion version, String cgroupsPath, Map<String, String> dirs, boolean isDefault) {
    public static final String DEFAULT_PARENT = "bulwark";

    public CgroupLocation {
        dirs = Map.copyOf(dirs);
    }

    static CgroupLocation resolve(CgroupEnvironment env, String id, String cgroupsPath) {
        boolean isDefault = cgroupsPath == null || cgroupsPath.isBlank();
        String path = isDefault ? DEFAULT_PARENT + "/" + id : cgroupsPath;
        check(path, id, isDefault);
        boolean absolute = path.startsWith("/");
        Map<String, String> dirs = new TreeMap<>();
        if (env.version() == CgroupVersion.V2) {
            // v2 forbids processes in inner cgroups, so a relative path hangs off the root, not off our own cgroup
            dirs.put("", CgroupFs.join(path));
        } else {
            for (Map.Entry<String, String> h : env.hierarchies().entrySet()) {
                String own = absolute ? "" : env.ownPaths().getOrDefault(h.getKey(), "/");
                dirs.put(h.getKey(), CgroupFs.join(h.getValue(), own, path));
            }
        }
        return new CgroupLocation(env.version(), path, new LinkedHashMap<>(dirs), isDefault);
    }

    /** Refuses a path Bulwark cannot use: systemd's slice form, "..", the root cgroup. */
    static void check(String path, String id, boolean isDefault) {
        if (!isDefault && path.indexOf(':') >= 0) {
            throw new BulwarkException("linux.cgroupsPath \"" + path + "\" is in systemd's slice:prefix:name form;"
                + " Bulwark manages cgroupfs paths (give a path such as /machine/" + id + ")", 22);
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                throw new BulwarkException("linux.cgroupsPath \"" + path + "\" must not contain ..", 22);
            }
        }
        if (CgroupFs.join(path).isEmpty()) {
            throw new BulwarkException("linux.cgroupsPath \"" + path + "\" names the root cgroup", 22);
        }
    }
}
