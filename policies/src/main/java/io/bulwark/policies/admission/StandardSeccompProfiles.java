package io.bulwark.policies.admission;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.policies.model.SeccompProfileKind;
import io.bulwark.policies.parse.JsonPath;
import io.bulwark.policies.parse.PolicyParser;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The profiles a policy can name: the runtime's built-in default (left to the runtime: a config without
 * {@code linux.seccomp} gets it) and operator profile files in the OCI {@code linux.seccomp} format.
 * The stricter built-in profile comes from the seccomp module.
 */
public final class StandardSeccompProfiles implements SeccompProfiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Override
    public Seccomp profile(SeccompProfileKind kind, String file) {
        switch (kind) {
            case DEFAULT:
                return null;
            case FILE:
                byte[] content = PolicyParser.read(Path.of(file));
                try {
                    return JSON.readValue(content, Seccomp.class);
                } catch (JsonMappingException e) {
                    throw BulwarkException.invalid(file, JsonPath.of(e.getPath()), e.getOriginalMessage());
                } catch (IOException e) {
                    throw BulwarkException.invalid(file, "$", "not a seccomp profile: " + e.getMessage());
                }
            default:
                throw new BulwarkException("the seccomp profile '" + kind.json() + "' is not available in this build");
        }
    }
}
