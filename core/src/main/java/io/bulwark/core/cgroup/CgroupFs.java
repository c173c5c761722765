package io.bulwark.core.cgroup;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Every file access of the cgroup managers goes through this: paths are relative to one root directory
 * ({@code /sys/fs/cgroup} on a host, a temporary tree in unit tests), so the managers never touch the real
 * cgroupfs by accident and tests can check each file written.
 */
public interface CgroupFs {

    /** The directory the relative paths below are resolved against. */
    Path root();

    boolean exists(String path);

    boolean isDirectory(String path);

    /** The file's content with surrounding whitespace trimmed. */
    String read(String path);

    /** The file's content, or empty when the file does not exist. */
    Optional<String> readIfExists(String path);

    /**
     * Writes {@code value} with a single write(2), as cgroupfs expects one value per write. The file must exist:
     * a missing file means a missing controller or kernel feature, never something to create.
     */
    void write(String path, String value);

    /** Creates a directory and any missing parents (cgroupfs populates the new directory itself). */
    void mkdirs(String path);

    /** Removes an empty cgroup directory (cgroupfs rmdir succeeds with the interface files still listed). */
    void rmdir(String path);

    /** Names of the subdirectories of {@code path} (child cgroups), empty when there are none or it is missing. */
    List<String> subdirectories(String path);

    /** Names of every entry (interface files and child cgroups) in {@code path}, empty when it is missing. */
    List<String> list(String path);

    /** Joins cgroup path segments with single slashes, dropping empty ones. */
    static String join(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String part : parts) {
            for (String segment : part.split("/")) {
                if (segment.isEmpty() || segment.equals(".")) {
                    continue;
                }
                if (b.length() > 0) {
                    b.append('/');
                }
                b.append(segment);
            }
        }
        return b.toString();
    }
}
