package io.bulwark.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class Rfc3339Test {
    @Test
    void formatsAsGoRfc3339Nano() {
        assertEquals("2024-05-01T12:00:00Z", Rfc3339.format(Instant.parse("2024-05-01T12:00:00Z")));
        assertEquals("1970-01-01T00:00:00Z", Rfc3339.format(Instant.EPOCH));
        assertEquals("2024-05-01T12:00:03.5Z", Rfc3339.format(Instant.parse("2024-05-01T12:00:03.500Z")));
        assertEquals("2024-12-31T23:59:59.000000001Z", Rfc3339.format(Instant.parse("2024-12-31T23:59:59.000000001Z")));
        assertEquals("0999-02-03T04:05:06.12Z", Rfc3339.format(Instant.parse("0999-02-03T04:05:06.120Z")));
    }

    @Test
    void nowParsesBackAsTheSameInstant() {
        String now = Rfc3339.now();
        assertTrue(now.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z"), now);
        assertEquals(OffsetDateTime.parse(now).toInstant(), Instant.parse(now));
    }
}
