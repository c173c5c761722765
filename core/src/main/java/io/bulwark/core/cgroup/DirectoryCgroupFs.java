package io.bulwark.core.cgroup;

import io.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link CgroupFs} over a real directory: the host's cgroupfs, or a fake tree in a temp dir. */
public final class DirectoryCgroupFs implements CgroupFs {
    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EINVAL = 22;

    private final Path root;
    /** Whether each top-level directory (a v1 hierarchy, or the v2 root) is cgroupfs: asked once, not per rmdir. */
    private final Map<Path, Boolean> cgroupfs = new ConcurrentHashMap<>();

    public DirectoryCgroupFs(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public Path root() {
        return root;
    }

    private Path resolve(String path) {
        Path p = root.resolve(CgroupFs.join(path)).normalize();
        if (!p.startsWith(root)) {
            throw new BulwarkException("cgroup path " + path + " leaves " + root, EINVAL);
        }
        return p;
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(resolve(path));
    }

    @Override
    public boolean isDirectory(String path) {
        return Files.isDirectory(resolve(path));
    }

    @Override
    public String read(String path) {
        Path p = resolve(path);
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw failure("cannot read " + p, e);
        }
    }

    @Override
    public Optional<String> readIfExists(String path) {
        Path p = resolve(path);
        if (!Files.exists(p)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(Files.readAllBytes(p), StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("cannot read " + p, e);
        }
    }

    @Override
    public void write(String path, String value) {
        Path p = resolve(path);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        // No CREATE: a cgroup interface file that is missing is an unsupported limit, not a file to make.
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            int n = ch.write(ByteBuffer.wrap(bytes));
            if (n != bytes.length) {
                throw new BulwarkException("short write of \"" + value + "\" to " + p, EINVAL);
            }
        } catch (IOException e) {
            throw failure("cannot write \"" + value + "\" to " + p, e);
        }
    }

    @Override
    public void mkdirs(String path) {
        Path p = resolve(path);
        try {
            Files.createDirectories(p);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(p)) {
                throw failure("cannot create cgroup " + p, e);
            }
        } catch (IOException e) {
            throw failure("cannot create cgroup " + p, e);
        }
    }

    @Override
    public void rmdir(String path) {
        Path p = resolve(path);
        try {
            if (Files.isDirectory(p) && !onCgroupfs(p)) {
                // A fake tree holds regular files standing in for interface files; cgroupfs needs none removed.
                try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
                    for (Path f : s) {
                        if (Files.isRegularFile(f)) {
                            Files.delete(f);
                        }
                    }
                }
            }
            Files.delete(p);
        } catch (NoSuchFileException e) {
            // already gone: removal is idempotent
        } catch (DirectoryNotEmptyException e) {
            throw new BulwarkException("cannot remove cgroup " + p + ": it still has processes or child cgroups",
                EBUSY, 1, e);
        } catch (IOException e) {
            throw failure("cannot remove cgroup " + p, e);
        }
    }

    private boolean onCgroupfs(Path p) {
        Path top = p.equals(root) ? root : root.resolve(root.relativize(p).getName(0));
        Boolean known = cgroupfs.get(top);
        if (known != null) {
            return known;
        }
        try {
            boolean is = Files.getFileStore(top).type().startsWith("cgroup");
            cgroupfs.put(top, is);
            return is;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public List<String> subdirectories(String path) {
        return entries(path, Files::isDirectory);
    }

    @Override
    public List<String> list(String path) {
        return entries(path, p -> true);
    }

    private List<String> entries(String path, DirectoryStream.Filter<Path> filter) {
        Path p = resolve(path);
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(p)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(p, filter)) {
            for (Path d : s) {
                out.add(d.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw failure("cannot list " + p, e);
        }
        out.sort(null);
        return out;
    }

    /** Maps an I/O failure to Bulwark's error with the errno the kernel most likely returned. */
    static BulwarkException failure(String what, IOException e) {
        int errno = 0;
        String reason = e.getMessage();
        if (e instanceof NoSuchFileException) {
            errno = ENOENT;
            reason = "no such file";
        } else if (e instanceof AccessDeniedException) {
            errno = EACCES;
            reason = "permission denied";
        } else if (reason != null) {
            if (reason.contains("Invalid argument")) {
                errno = EINVAL;
            } else if (reason.contains("Device or resource busy")) {
                errno = EBUSY;
            }
        }
        return new BulwarkException(what + ": " + reason, errno, 1, e);
    }
}
