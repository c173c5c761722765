package io.bulwark.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bulwark.core.spec.Process;

/**
 * The JSON mapper, writers and readers the commands share (not the lifecycle commands: {@code state} and the
 * runtime log write JSON with the streaming API, which a cold start pays far less for). A mapper is thread-safe once configured and expensive
 * to make (its serializer caches start empty), so the resident server's requests all use these instead of a fresh
 * one per command.
 */
public final class CliJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    /** Indented output ({@code state}). */
    public static final ObjectWriter PRETTY = MAPPER.writer(SerializationFeature.INDENT_OUTPUT);
    private CliJson() {
    }

    /**
     * The reader of an exec process file (unknown fields are ignored, as runc does), made on first use: preparing
     * it introspects every record a process holds, which only {@code exec} needs.
     */
    public static ObjectReader process() {
        return ProcessReader.READER;
    }

    private static final class ProcessReader {
        static final ObjectReader READER = MAPPER.readerFor(Process.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
