package io.bulwark.policies.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * The audit log: one JSON object per line, appended under an exclusive lock (several Bulwark processes may decide
 * at once) and flushed to disk before the container is created, so that no decision goes unrecorded. A new log is
 * created readable by its owner only.
 */
public final class AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public AuditLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** File locks are per process; threads of one JVM take this lock first. */
    private static final Object IN_PROCESS = new Object();

    public void append(AuditRecord record) {
        synchronized (IN_PROCESS) {
            appendLocked(record);
        }
    }

    private void appendLocked(AuditRecord record) {
        byte[] line;
        try {
            line = (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BulwarkException("cannot encode the audit record: " + e.getMessage(), e);
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!Files.exists(file)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another process created it first
                }
            }
            try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND));
                 FileLock ignored = ch.lock()) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
        } catch (IOException e) {
            throw new BulwarkException(file + ": cannot write the audit log: " + e.getMessage(), e);
        }
    }

    /** {@code sha256:HEX} of a bundle's {@code config.json}, or null when it cannot be read. */
    public static String bundleDigest(Path bundle) {
        try {
            byte[] content = Files.readAllBytes(bundle.resolve("config.json"));
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (IOException | NoSuchAlgorithmException e) {
            return null;
        }
    }
}
