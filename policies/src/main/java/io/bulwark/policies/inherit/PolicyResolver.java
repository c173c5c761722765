package io.bulwark.policies.inherit;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.SpecProblem;
import io.bulwark.policies.model.Policy;
import io.bulwark.policies.parse.PolicyException;
import io.bulwark.policies.parse.PolicyLinter;
import io.bulwark.policies.parse.PolicyParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds a tenant's policy ({@code DIR/TENANT.json}), follows {@code extends} to its root, checks that every level
 * only narrows the one below it, and returns the effective policy. The shipped policies ({@code default},
 * {@code ci-runner}, {@code code-exec}, {@code trusted-internal}) are built in: each is used when the directory has
 * no file of that name (a file there replaces it).
 */
public final class PolicyResolver {
    /** Deep enough for any sane hierarchy; a longer chain is a mistake. */
    static final int MAX_DEPTH = 16;
    /** The policies shipped inside Bulwark. */
    public static final List<String> BUILT_IN = List.of("default", "ci-runner", "code-exec", "trusted-internal");
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final String BUILT_IN_RESOURCE = "/io/bulwark/policies/examples/";

    private final Path directory;
    private final FileVerifier verifier;

    public PolicyResolver(Path directory, FileVerifier verifier) {
        this.directory = directory;
        this.verifier = verifier;
    }

    /** One level of a chain: where it came from and what it says. */
    private record Level(String origin, Policy policy) {
    }

    public EffectivePolicy resolve(String tenant) {
        checkTenantName(tenant);
        Deque<Level> chain = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        String next = tenant;
        while (next != null) {
            if (!seen.add(next)) {
                throw new PolicyException(chain.peek().origin(), "$.extends", "inheritance cycle through '" + next + "'");
            }
            if (chain.size() >= MAX_DEPTH) {
                throw new PolicyException(chain.peek().origin(), "$.extends",
                    "more than " + MAX_DEPTH + " levels of inheritance");
            }
            Level level = load(next);
            chain.push(level);
            next = level.policy().base();
        }
        List<String> origins = new ArrayList<>();
        Policy effective = null;
        for (Level level : chain) { // root first
            effective = effective == null ? root(level.policy(), level.origin())
                : narrow(effective, level.policy(), level.origin());
            origins.add(level.origin());
        }
        return new EffectivePolicy(tenant, effective.withIdentity(tenant, null), List.copyOf(origins));
    }

    /**
     * A root policy is laid over the baseline; it may set anything. Its {@code mounts.forbidden}, when it has one,
     * replaces the baseline's list (a child's is added to its base's).
     */
    public static Policy root(Policy policy, String origin) {
        boolean ownForbidden = policy.mounts() != null && policy.mounts().forbidden() != null;
        Policy effective = PolicyMerge.overlay(ownForbidden ? Baseline.policyWithoutForbiddenPaths() : Baseline.policy(), policy);
        List<SpecProblem> problems = PolicyLinter.lintEffective(effective, origin);
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return effective;
    }

    /** Lays {@code child} over a complete {@code base}, refusing any widening. */
    public static Policy narrow(Policy base, Policy child, String origin) {
        Policy effective = PolicyMerge.overlay(base, child);
        List<SpecProblem> problems = new ArrayList<>(Narrowing.widenings(base, effective, origin));
        problems.addAll(PolicyLinter.lintEffective(effective, origin));
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return effective;
    }

    private Level load(String name) {
        Path file = directory == null ? null : directory.resolve(name + ".json");
        if (file != null && Files.exists(file)) {
            byte[] content = PolicyParser.read(file);
            verifier.verify(file, content);
            Policy policy = PolicyParser.parse(content, file.toString());
            if (!name.equals(policy.name())) {
                throw new PolicyException(file.toString(), "$.name",
                    "'" + policy.name() + "' does not match the file name (expected '" + name + "')");
            }
            return new Level(file.toString(), policy);
        }
        if (BUILT_IN.contains(name)) {
            return new Level("built-in:" + name, builtIn(name));
        }
        throw new BulwarkException("no policy for tenant '" + name + "': " + (file == null
            ? "no policy directory is configured" : file + " does not exist"));
    }

    /** A policy shipped inside Bulwark ({@code default}, {@code ci-runner}, {@code code-exec}, ...). */
    public static Policy builtIn(String name) {
        checkTenantName(name);
        try (InputStream in = PolicyResolver.class.getResourceAsStream(BUILT_IN_RESOURCE + name + ".json")) {
            if (in == null) {
                throw new BulwarkException("no built-in policy named '" + name + "'");
            }
            return PolicyParser.parse(in.readAllBytes(), "built-in:" + name);
        } catch (IOException e) {
            throw new BulwarkException("cannot read built-in policy '" + name + "': " + e.getMessage(), e);
        }
    }

    public static void checkTenantName(String tenant) {
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw new BulwarkException("invalid tenant name '" + (tenant == null ? "" : tenant)
                + "': lowercase letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
    }
}
