package io.bulwark.core.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;
import java.math.BigInteger;

/**
 * JSON {@code uint64} fields (rlimits, seccomp argument values) kept in a Java {@code long} bit for bit:
 * 18446744073709551615 (RLIM_INFINITY, all ones) reads as -1L and is written back unsigned. Negative JSON
 * numbers and numbers of more than 64 bits are refused.
 */
public final class UnsignedLongs {
    private UnsignedLongs() {
    }

    public static final class Deserializer extends JsonDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                return (Long) ctxt.handleUnexpectedToken(Long.class, p);
            }
            BigInteger value = p.getBigIntegerValue();
            if (value.signum() < 0 || value.bitLength() > 64) {
                throw ctxt.weirdNumberException(value, Long.class, "not an unsigned 64-bit integer");
            }
            return value.longValue();
        }
    }

    public static final class Serializer extends JsonSerializer<Long> {
        @Override
        public void serialize(Long value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            if (value >= 0) {
                gen.writeNumber(value.longValue());
            } else {
                gen.writeNumber(new BigInteger(Long.toUnsignedString(value)));
            }
        }
    }
}
