package io.bulwark.core.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/** An exclusive lock on one container's state, held until {@link #close()}. */
public final class ContainerLock implements AutoCloseable {
    private final String id;
    private final Path dir;
    private final FileChannel channel;
    private final FileLock fileLock;
    private final ReentrantLock threadLock;

    ContainerLock(String id, Path dir, FileChannel channel, FileLock fileLock, ReentrantLock threadLock) {
        this.id = id;
        this.dir = dir;
        this.channel = channel;
        this.fileLock = fileLock;
        this.threadLock = threadLock;
    }

    public String id() {
        return id;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try {
            if (fileLock.isValid()) {
                fileLock.release();
            }
            channel.close();
        } catch (IOException ignored) {
            // the directory may already be gone (delete); closing the channel releases the lock anyway
        } finally {
            if (threadLock.isHeldByCurrentThread()) {
                threadLock.unlock();
            }
        }
    }
}
