package io.bulwark.core;

import java.util.ResourceBundle;

/**
 * A {@link System.Logger} that asks {@link System#getLogger} for the real one on its first message. The first
 * {@code System.getLogger} of a class on the class path looks for a logger-finder service in every jar and starts
 * java.util.logging: tens of milliseconds that a one-shot command which never logs should not pay in a static
 * field initialiser.
 */
public final class LazyLogger implements System.Logger {
    private final String name;
    private volatile System.Logger delegate;

    private LazyLogger(String name) {
        this.name = name;
    }

    public static System.Logger of(String name) {
        return new LazyLogger(name);
    }

    private System.Logger delegate() {
        System.Logger d = delegate;
        if (d == null) {
            d = System.getLogger(name);
            delegate = d;
        }
        return d;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return delegate().isLoggable(level);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        delegate().log(level, bundle, msg, thrown);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        delegate().log(level, bundle, format, params);
    }
}
