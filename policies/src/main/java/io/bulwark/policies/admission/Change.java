package io.bulwark.policies.admission;

/**
 * A change admission made to a config because the policy says so.
 *
 * @param path JSON path in the bundle's {@code config.json}
 * @param rule the policy rule that made it
 * @param from what the config said ({@code none} when it said nothing)
 * @param to   what the container gets
 */
public record Change(String path, String rule, String from, String to) {

    @Override
    public String toString() {
        return path + ": " + from + " -> " + to + " (policy rule " + rule + ")";
    }
}
