package io.bulwark.policies.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;

/**
 * Bulwark's runtime configuration ({@code /etc/bulwark/config.json}, or the file named by {@code --config}): where
 * tenant policies live and how they are trusted and audited.
 *
 * @param schema           editor hint ({@code $schema}); ignored
 * @param policyDirectory  directory of tenant policies ({@code NAME.json}, signatures {@code NAME.json.sig})
 * @param defaultTenant    the tenant whose policy applies when no {@code --tenant} is given (none: no admission)
 * @param trustedPublicKey an Ed25519 public key (PEM); when set, every policy file must carry a valid signature
 * @param auditLog         the JSON-lines file every admission decision is appended to (none: no audit log)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuntimeConfig(
    @JsonProperty("$schema") String schema,
    String policyDirectory,
    String defaultTenant,
    String trustedPublicKey,
    String auditLog) {

    public static final Path DEFAULT_FILE = Path.of("/etc/bulwark/config.json");
    public static final Path DEFAULT_POLICY_DIRECTORY = Path.of("/etc/bulwark/policies");

    /** What applies when there is no configuration file. */
    public static RuntimeConfig defaults() {
        return new RuntimeConfig(null, DEFAULT_POLICY_DIRECTORY.toString(), null, null, null);
    }

    public Path policyDirectoryPath() {
        return policyDirectory == null ? DEFAULT_POLICY_DIRECTORY : Path.of(policyDirectory);
    }

    public Path trustedPublicKeyPath() {
        return trustedPublicKey == null ? null : Path.of(trustedPublicKey);
    }

    public Path auditLogPath() {
        return auditLog == null ? null : Path.of(auditLog);
    }
}
