package io.bulwark.conformance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the checker printed inside a container: {@code key=value} lines, ending with {@code end=ok}. */
final class Report {
    private final Map<String, String> facts = new LinkedHashMap<>();
    private final String raw;

    Report(String output) {
        this.raw = output;
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                facts.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
            }
        }
    }

    boolean complete() {
        return "ok".equals(facts.get("end"));
    }

    String get(String key) {
        String value = facts.get(key);
        if (value == null) {
            throw new AssertionError("the checker did not report " + key + "; it printed:\n" + abbreviated());
        }
        return value;
    }

    /** Values of numbered keys ({@code mountinfo.0}, {@code mountinfo.1}...). */
    List<String> list(String prefix) {
        return facts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix + "."))
            .map(Map.Entry::getValue).toList();
    }

    String abbreviated() {
        return raw.length() > 4000 ? raw.substring(0, 4000) + "..." : raw;
    }
}
