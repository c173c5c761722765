package io.bulwark.policies.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of bytes as people write it in a policy: a plain integer, or a string with a binary unit
 * ({@code "512MiB"}, {@code "2GiB"}; {@code K}, {@code M}, {@code G}, {@code T} and {@code KiB}... are the same
 * powers of 1024, as in docker and podman's {@code --memory}).
 */
@JsonSerialize(using = ByteSize.Writer.class)
@JsonDeserialize(using = ByteSize.Reader.class)
public record ByteSize(long bytes) implements Comparable<ByteSize> {
    private static final Pattern TEXT = Pattern.compile("([0-9]{1,19})\\s*([KMGT]?)(i?B)?");
    private static final String UNITS = "KMGT";

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative");
        }
    }

    public static ByteSize ofMiB(long mib) {
        return new ByteSize(mib << 20);
    }

    /** Parses {@code 123}, {@code 123B}, {@code 64M}, {@code 64MiB}, {@code 2GiB}... */
    public static ByteSize parse(String text) {
        Matcher m = TEXT.matcher(text.trim().toUpperCase(Locale.ROOT).replace("IB", "iB"));
        if (!m.matches() || (m.group(3) != null && m.group(3).equals("iB") && m.group(2).isEmpty())) {
            throw new IllegalArgumentException("'" + text + "' is not a size (examples: 1048576, \"512MiB\", \"2GiB\")");
        }
        long value = Long.parseLong(m.group(1));
        int shift = m.group(2).isEmpty() ? 0 : 10 * (UNITS.indexOf(m.group(2)) + 1);
        if (shift > 0 && value > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return new ByteSize(value << shift);
    }

    @Override
    public int compareTo(ByteSize o) {
        return Long.compare(bytes, o.bytes);
    }

    /** The shortest exact form: {@code "2GiB"}, {@code "1536MiB"}, or the plain number of bytes. */
    @Override
    public String toString() {
        for (int i = UNITS.length() - 1; i >= 0; i--) {
            int shift = 10 * (i + 1);
            if (bytes != 0 && bytes % (1L << shift) == 0) {
                return (bytes >> shift) + String.valueOf(UNITS.charAt(i)) + "iB";
            }
        }
        return Long.toString(bytes);
    }

    static final class Reader extends JsonDeserializer<ByteSize> {
        @Override
        public ByteSize deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            try {
                if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                    return new ByteSize(p.getLongValue());
                }
                if (p.currentToken() == JsonToken.VALUE_STRING) {
                    return parse(p.getText());
                }
            } catch (IllegalArgumentException e) {
                return (ByteSize) ctxt.handleWeirdStringValue(ByteSize.class, p.getText(), e.getMessage());
            }
            return (ByteSize) ctxt.handleUnexpectedToken(ByteSize.class, p.currentToken(), p,
                "expected a size: a number of bytes or a string such as \"512MiB\"");
        }
    }

    static final class Writer extends JsonSerializer<ByteSize> {
        @Override
        public void serialize(ByteSize value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            String text = value.toString();
            if (text.equals(Long.toString(value.bytes()))) {
                gen.writeNumber(value.bytes());
            } else {
                gen.writeString(text);
            }
        }
    }
}
