package io.bulwark.policies.admission;

/**
 * Something a config asks for that the tenant's policy does not allow.
 *
 * @param path  JSON path in the bundle's {@code config.json}
 * @param rule  the policy rule, as the path of its field in the policy ({@code capabilities.allowed})
 * @param value what the config asks for
 */
public record Violation(String path, String rule, String value) {

    @Override
    public String toString() {
        return path + ": " + value + " (policy rule " + rule + ")";
    }
}
