package io.bulwark.policies.inherit;

import java.nio.file.Path;

/** Checks a policy file's bytes before they are trusted (its detached signature, when a key is configured). */
@FunctionalInterface
public interface FileVerifier {
    FileVerifier NONE = (file, content) -> { };

    /** Returns normally when the file may be used; throws {@link io.bulwark.core.BulwarkException} otherwise. */
    void verify(Path file, byte[] content);
}
