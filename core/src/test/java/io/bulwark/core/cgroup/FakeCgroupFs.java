package io.bulwark.core.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cgroupfs stand-in in a temp dir: a new cgroup directory is populated with its hierarchy's interface files (as
 * the kernel does), and every write is recorded in order so tests can check exactly what was written.
 */
final class FakeCgroupFs implements CgroupFs {
    private final DirectoryCgroupFs real;
    /** Hierarchy directory ("" on v2) to the interface files (and their initial content) of a new cgroup in it. */
    private final Map<String, Map<String, String>> templates = new LinkedHashMap<>();
    final List<String> writes = new ArrayList<>();
    /** Files whose content after a write is not what was written (a kernel that clamps or ignores the value). */
    final Map<String, String> kernelShows = new LinkedHashMap<>();

    FakeCgroupFs(Path root) {
        this.real = new DirectoryCgroupFs(root);
    }

    /** A v1 hierarchy (its mount directory) with the given interface files in its root and in every new child. */
    FakeCgroupFs hierarchy(String dir, Map<String, String> files) {
        templates.put(dir, new LinkedHashMap<>(files));
        populate(dir, files);
        put(CgroupFs.join(dir, "cgroup.procs"), "");
        return this;
    }

    /** A v2 root with {@code files} in it and in every new child. */
    FakeCgroupFs unified(Map<String, String> files) {
        templates.put("", new LinkedHashMap<>(files));
        populate("", files);
        return this;
    }

    void put(String path, String content) {
        try {
            Path p = inside(path);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void remove(String path) {
        try {
            Files.deleteIfExists(inside(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code path} under the temp dir: a leading slash means its root, never the host's (nor may ".." leave it). */
    private Path inside(String path) {
        Path p = root().resolve(path.startsWith("/") ? path.substring(1) : path).normalize();
        if (!p.startsWith(root())) {
            throw new IllegalArgumentException(path + " is outside the fake cgroupfs " + root());
        }
        return p;
    }

    private void populate(String dir, Map<String, String> files) {
        files.forEach((name, content) -> put(CgroupFs.join(dir, name), content));
    }

    @Override
    public Path root() {
        return real.root();
    }

    @Override
    public boolean exists(String path) {
        return real.exists(path);
    }

    @Override
    public boolean isDirectory(String path) {
        return real.isDirectory(path);
    }

    @Override
    public String read(String path) {
        return real.read(path);
    }

    @Override
    public Optional<String> readIfExists(String path) {
        return real.readIfExists(path);
    }

    @Override
    public void write(String path, String value) {
        real.write(path, value);
        writes.add(CgroupFs.join(path) + "=" + value);
        String shown = kernelShows.get(CgroupFs.join(path));
        if (shown != null) {
            put(path, shown);
        }
    }

    @Override
    public void mkdirs(String path) {
        String joined = CgroupFs.join(path);
        String[] segments = joined.split("/");
        String current = "";
        for (String segment : segments) {
            current = current.isEmpty() ? segment : current + "/" + segment;
            if (!real.isDirectory(current)) {
                real.mkdirs(current);
                String hierarchy = templates.containsKey("") ? "" : segments[0];
                Map<String, String> template = templates.get(hierarchy);
                if (template != null) {
                    populate(current, template);
                }
            }
        }
    }

    @Override
    public void rmdir(String path) {
        real.rmdir(path);
        writes.add("rmdir " + CgroupFs.join(path));
    }

    @Override
    public List<String> subdirectories(String path) {
        return real.subdirectories(path);
    }

    @Override
    public List<String> list(String path) {
        return real.list(path);
    }
}
