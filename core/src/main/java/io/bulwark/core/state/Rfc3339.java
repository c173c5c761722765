package io.bulwark.core.state;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * RFC 3339 UTC timestamps as runc writes them (Go's RFC3339Nano: {@code 2024-05-01T12:00:03.5Z}, nanoseconds
 * without trailing zeros, seconds always present), formatted by hand: no formatter, locale or calendar provider
 * to start in a one-shot command. ({@code OffsetDateTime.toString} would drop zero seconds, which RFC 3339 forbids.)
 */
public final class Rfc3339 {
    private Rfc3339() {
    }

    public static String now() {
        return format(Instant.now());
    }

    public static String format(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(30);
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("year " + year + " has no RFC 3339 form");
        }
        pad(b, year, 4).append('-');
        pad(b, t.getMonthValue(), 2).append('-');
        pad(b, t.getDayOfMonth(), 2).append('T');
        pad(b, t.getHour(), 2).append(':');
        pad(b, t.getMinute(), 2).append(':');
        pad(b, t.getSecond(), 2);
        int nano = t.getNano();
        if (nano != 0) {
            int digits = 9;
            while (nano % 10 == 0) {
                nano /= 10;
                digits--;
            }
            pad(b.append('.'), nano, digits);
        }
        return b.append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder b, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(s);
    }
}
