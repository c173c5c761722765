package io.bulwark.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bulwark.core.spec.Process;

/**
 * The JSON mapper, writers and readers the commands share. A mapper is thread-safe once configured and expensive
 * to make (its serializer caches start empty), so the resident server's requests all use these instead of a fresh
 * one per command.
 */
public final class CliJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    /** Indented output ({@code state}). */
    public static final ObjectWriter PRETTY = MAPPER.writer(SerializationFeature.INDENT_OUTPUT);
    /** An exec process file: unknown fields are ignored, as runc does. */
    public static final ObjectReader PROCESS = MAPPER.readerFor(Process.class)
        .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private CliJson() {
    }
}
