package io.bulwark.policies.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.JsonPaths;
import io.bulwark.core.spec.SpecProblem;
import io.bulwark.policies.inherit.PolicyResolver;
import io.bulwark.policies.parse.PolicyException;
import io.bulwark.policies.parse.PolicyParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the runtime configuration: the file {@code --config} names (which must exist), else
 * {@code /etc/bulwark/config.json} when present, else the defaults. Relative paths in the file are relative to
 * the file's directory. Parsed as strictly as a policy.
 */
public final class RuntimeConfigLoader {
    private RuntimeConfigLoader() {
    }

    public static RuntimeConfig load(Path explicit) {
        if (explicit != null) {
            return read(explicit);
        }
        return Files.exists(RuntimeConfig.DEFAULT_FILE) ? read(RuntimeConfig.DEFAULT_FILE) : RuntimeConfig.defaults();
    }

    public static RuntimeConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BulwarkException(file + ": no such runtime configuration file");
        }
        byte[] content = PolicyParser.read(file);
        RuntimeConfig config;
        try {
            config = PolicyParser.mapper().readValue(content, RuntimeConfig.class);
        } catch (JsonMappingException e) {
            throw BulwarkException.invalid(file.toString(), JsonPaths.of(e.getPath()), firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw BulwarkException.invalid(file.toString(), "$", "not valid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new BulwarkException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (config == null) {
            throw BulwarkException.invalid(file.toString(), "$", "expected an object, found null");
        }
        Path base = file.toAbsolutePath().getParent();
        List<SpecProblem> problems = new ArrayList<>();
        if (config.defaultTenant() != null) {
            try {
                PolicyResolver.checkTenantName(config.defaultTenant());
            } catch (BulwarkException e) {
                problems.add(new SpecProblem(file.toString(), "$.defaultTenant", e.getMessage()));
            }
        }
        String dir = resolve(base, config.policyDirectory(), "$.policyDirectory", file, problems);
        String key = resolve(base, config.trustedPublicKey(), "$.trustedPublicKey", file, problems);
        String audit = resolve(base, config.auditLog(), "$.auditLog", file, problems);
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return new RuntimeConfig(null, dir == null ? RuntimeConfig.DEFAULT_POLICY_DIRECTORY.toString() : dir,
            config.defaultTenant(), key, audit);
    }

    private static String resolve(Path base, String value, String path, Path file, List<SpecProblem> problems) {
        if (value == null) {
            return null;
        }
        if (value.isEmpty() || value.indexOf('\0') >= 0) {
            problems.add(new SpecProblem(file.toString(), path, "not a usable path"));
            return null;
        }
        return base.resolve(value).normalize().toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return JsonPaths.printable(nl < 0 ? s : s.substring(0, nl));
    }
}
