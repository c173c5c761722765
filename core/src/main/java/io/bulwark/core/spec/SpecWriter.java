package io.bulwark.core.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes a {@link Spec} as pretty-printed JSON, omitting absent (null) fields, in the spec's field order. */
public final class SpecWriter {
    private SpecWriter() {
    }

    public static String toJson(Spec spec) {
        String fast = RecordWriter.write(spec, true);
        if (fast != null) {
            return fast + "\n";
        }
        try {
            return SpecJson.mapper().writeValueAsString(spec) + "\n";
        } catch (JsonProcessingException e) {
            throw new BulwarkException("cannot serialise the configuration: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes {@code spec} to {@code file} atomically (a temporary file in the same directory, then a rename), so
     * a reader never sees half a config. Refuses to replace an existing file unless {@code overwrite}.
     */
    public static void write(Spec spec, Path file, boolean overwrite) {
        if (!overwrite && Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new BulwarkException(file + ": file already exists");
        }
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, ".config", ".json.tmp");
            Files.writeString(tmp, toJson(spec), StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            if (overwrite) {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            tmp = null;
        } catch (IOException e) {
            throw new BulwarkException(file + ": cannot write the configuration: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the original error is the one that matters
                }
            }
        }
    }
}
