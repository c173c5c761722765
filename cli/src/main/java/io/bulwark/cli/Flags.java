package io.bulwark.cli;

import io.bulwark.core.BulwarkException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * runc-style flag parsing: {@code --name value}, {@code --name=value}, {@code -n value}, boolean flags, repeated
 * flags; flags stop at the first positional argument (or {@code --}), as urfave/cli does, so {@code exec ID sh -c x}
 * passes {@code -c} to the workload.
 */
public final class Flags {
    private final String verb;
    private final Map<String, String> canonical = new HashMap<>();
    private final Map<String, Boolean> takesValue = new HashMap<>();
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    public Flags(String verb) {
        this.verb = verb;
    }

    /** Declares a flag that takes a value; the first name is canonical, the rest are aliases. */
    public Flags value(String... names) {
        return declare(true, names);
    }

    /** Declares a boolean flag. */
    public Flags bool(String... names) {
        return declare(false, names);
    }

    private Flags declare(boolean withValue, String... names) {
        for (String n : names) {
            canonical.put(n, names[0]);
        }
        takesValue.put(names[0], withValue);
        return this;
    }

    public Flags parse(List<String> args) {
        int i = 0;
        while (i < args.size()) {
            String a = args.get(i);
            if (a.equals("--")) {
                i++;
                break;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                break;
            }
            String name = a.replaceFirst("^--?", "");
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            String key = canonical.get(name);
            if (key == null) {
                throw new BulwarkException(verb + ": flag provided but not defined: -" + name, 22);
            }
            String value;
            if (takesValue.get(key)) {
                if (inline != null) {
                    value = inline;
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new BulwarkException(verb + ": flag needs an argument: -" + name, 22);
                }
            } else {
                value = inline == null ? "true" : inline;
                if (!value.equals("true") && !value.equals("false")) {
                    throw new BulwarkException(verb + ": invalid boolean value \"" + value + "\" for -" + name, 22);
                }
            }
            values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            i++;
        }
        positional.addAll(args.subList(i, args.size()));
        return this;
    }

    public String get(String name) {
        List<String> v = values.get(name);
        return v == null ? null : v.get(v.size() - 1);
    }

    public String get(String name, String fallback) {
        String v = get(name);
        return v == null ? fallback : v;
    }

    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    public boolean has(String name) {
        return "true".equals(get(name));
    }

    public int intValue(String name, int fallback) {
        String v = get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new BulwarkException(verb + ": invalid value \"" + v + "\" for --" + name + ": not a number", 22);
        }
    }

    public List<String> positional() {
        return positional;
    }

    /** The single container id this verb takes (runc: exactly one argument). */
    public String id() {
        if (positional.isEmpty()) {
            throw new BulwarkException(verb + ": requires a container id", 22);
        }
        return positional.get(0);
    }

    public void requireArgs(int exactly, String what) {
        if (positional.size() != exactly) {
            throw new BulwarkException("\"" + verb + "\" requires exactly " + exactly + " argument(s): " + what, 22);
        }
    }
}
