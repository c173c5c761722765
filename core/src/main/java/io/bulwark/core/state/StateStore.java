package io.bulwark.core.state;

import io.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The state store under {@code --root}: one directory per container holding {@code state.json} (written
 * atomically: temp file, then rename over the old one, so a reader sees the old or the new state, never half of one)
 * and a {@code lock} file. There is no fsync: the state describes processes, which a power loss or reboot ends
 * anyway (runc and crun do not sync either), and a sync costs milliseconds on a disk-backed {@code /run}. {@link #lock} takes an
 * exclusive lock that holds across processes (fcntl) and across threads of this JVM, so two commands on one
 * container never interleave.
 */
public final class StateStore {
    /** runc's rule for container ids. */
    private static final Pattern VALID_ID = Pattern.compile("^[\\w+\\-.]+$");
    private static final String STATE_FILE = "state.json";
    private static final String LOCK_FILE = "lock";
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();

    private final Path root;

    public StateStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public static void validateId(String id) {
        if (id == null || id.isEmpty()) {
            throw new BulwarkException("container id cannot be empty");
        }
        if (id.length() > 1024 || !VALID_ID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
            throw new BulwarkException("invalid container id '" + id + "': use letters, digits and + - . _");
        }
    }

    /** The container's directory (which may not exist). */
    public Path dir(String id) {
        validateId(id);
        return root.resolve(id);
    }

    /**
     * Makes the directory of a new container and locks it. Fails if the id is taken. The directory is
     * world-searchable (0711) so that a container's root user can reach its exec FIFO, nothing more.
     */
    public ContainerLock createAndLock(String id) {
        Path dir = dir(id);
        try {
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
            Files.createDirectory(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (FileAlreadyExistsException e) {
            throw new BulwarkException("container with id " + id + " already exists", 17);
        } catch (AccessDeniedException e) {
            throw new BulwarkException("cannot create state directory " + dir + ": permission denied", 13);
        } catch (IOException e) {
            throw new BulwarkException("cannot create state directory " + dir + ": " + e.getMessage(), e);
        }
        return lockDir(id, dir);
    }

    /** Locks an existing container; fails with "does not exist" when it has no directory. */
    public ContainerLock lock(String id) {
        Path dir = dir(id);
        if (!Files.isDirectory(dir)) {
            throw notFound(id);
        }
        return lockDir(id, dir);
    }

    private ContainerLock lockDir(String id, Path dir) {
        ReentrantLock threadLock = IN_PROCESS_LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
        threadLock.lock();
        try {
            FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
            FileLock fileLock = channel.lock();
            return new ContainerLock(id, dir, channel, fileLock, threadLock);
        } catch (NoSuchFileException e) {
            threadLock.unlock();
            throw notFound(id);
        } catch (IOException e) {
            threadLock.unlock();
            throw new BulwarkException("cannot lock container " + id + ": " + e.getMessage(), e);
        }
    }

    public static BulwarkException notFound(String id) {
        return new BulwarkException("container " + id + " does not exist", 2);
    }

    public void write(ContainerState state) {
        Path dir = dir(state.id());
        Path tmp = dir.resolve(STATE_FILE + ".tmp");
        try {
            byte[] bytes = StateJson.write(state);
            Files.write(tmp, bytes);
            Files.move(tmp, dir.resolve(STATE_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BulwarkException("cannot write state of " + state.id() + ": " + e.getMessage(), e);
        }
    }

    /** The saved state, or empty when the container is still being created (no state file yet). */
    public Optional<ContainerState> read(String id) {
        Path file = dir(id).resolve(STATE_FILE);
        try {
            return Optional.of(StateJson.read(Files.readAllBytes(file)));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BulwarkException(file + ": unreadable state: " + e.getMessage(), e);
        }
    }

    public ContainerState require(String id) {
        return read(id).orElseThrow(() -> notFound(id));
    }

    /** Ids of every container directory under the root, sorted. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return ids;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (VALID_ID.matcher(name).matches()) {
                    ids.add(name);
                }
            }
        } catch (IOException e) {
            throw new BulwarkException("cannot list " + root + ": " + e.getMessage(), e);
        }
        ids.sort(Comparator.naturalOrder());
        return ids;
    }

    /** Removes a container's directory and everything in it. */
    public void remove(String id) {
        Path dir = dir(id);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new BulwarkException("cannot remove state of " + id + ": " + e.getMessage(), e);
        }
    }
}
