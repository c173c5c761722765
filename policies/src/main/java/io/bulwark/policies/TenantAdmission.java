package io.bulwark.policies;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.api.CreateOptions;
import io.bulwark.core.api.SpecFilter;
import io.bulwark.core.spec.Spec;
import io.bulwark.policies.admission.Admission;
import io.bulwark.policies.admission.AdmissionResult;
import io.bulwark.policies.admission.Violation;
import io.bulwark.policies.audit.AuditLog;
import io.bulwark.policies.audit.AuditRecord;
import io.bulwark.policies.config.RuntimeConfig;
import io.bulwark.policies.config.RuntimeConfigLoader;
import io.bulwark.policies.inherit.EffectivePolicy;
import io.bulwark.policies.inherit.FileVerifier;
import io.bulwark.policies.inherit.PolicyResolver;
import io.bulwark.policies.signature.SignatureVerifier;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Tenant admission as the runtime runs it, before anything is created: loads the tenant's policy (verifying
 * signatures when a trusted key is configured), admits the config, appends the decision to the audit log, and
 * either returns the config to use or refuses with every violation in one message.
 */
public final class TenantAdmission implements SpecFilter {
    private final RuntimeConfig config;
    private final String tenant;
    private final Admission admission;
    private final Consumer<String> report;

    public TenantAdmission(RuntimeConfig config, String tenant, Admission admission, Consumer<String> report) {
        PolicyResolver.checkTenantName(tenant);
        this.config = config;
        this.tenant = tenant;
        this.admission = admission;
        this.report = report;
    }

    /**
     * Admission for a command line: the tenant from {@code --tenant}, else the configuration's default tenant;
     * empty when neither names one (no policy applies, as with runc).
     *
     * @param tenantFlag the value of {@code --tenant}, or null
     * @param configFlag the value of {@code --config}, or null for {@code /etc/bulwark/config.json}
     * @param report     receives one line per change admission makes
     */
    public static Optional<TenantAdmission> forCommandLine(String tenantFlag, Path configFlag, Consumer<String> report) {
        RuntimeConfig config = RuntimeConfigLoader.load(configFlag);
        String tenant = tenantFlag != null ? tenantFlag : config.defaultTenant();
        if (tenant == null) {
            return Optional.empty();
        }
        return Optional.of(new TenantAdmission(config, tenant, Admission.forHost(), report));
    }

    /**
     * The filter a command line installs: it reads the runtime configuration only when a container is admitted
     * (so that commands that admit nothing never depend on it), and lets everything through when no tenant is
     * named, as runc would, but for the annotation that names the admitting tenant, which only admission sets.
     */
    public static SpecFilter commandLineFilter(String tenantFlag, Path configFlag, Consumer<String> report) {
        return (spec, options) -> forCommandLine(tenantFlag, configFlag, report)
            .map(admission -> admission.apply(spec, options))
            .orElseGet(() -> withoutTenant(spec));
    }

    private static Spec withoutTenant(Spec spec) {
        if (spec.annotations() == null || !spec.annotations().containsKey(Admission.TENANT_ANNOTATION)) {
            return spec;
        }
        java.util.Map<String, String> annotations = new java.util.LinkedHashMap<>(spec.annotations());
        annotations.remove(Admission.TENANT_ANNOTATION);
        return new Spec(spec.ociVersion(), spec.process(), spec.root(), spec.hostname(), spec.domainname(),
            spec.mounts(), spec.hooks(), annotations, spec.linux());
    }

    public String tenant() {
        return tenant;
    }

    public RuntimeConfig config() {
        return config;
    }

    /** The resolver for a configuration: its policy directory, and signature checks when it names a key. */
    public static PolicyResolver resolver(RuntimeConfig config) {
        FileVerifier verifier = config.trustedPublicKeyPath() == null
            ? FileVerifier.NONE : new SignatureVerifier(config.trustedPublicKeyPath());
        return new PolicyResolver(config.policyDirectoryPath(), verifier);
    }

    public EffectivePolicy policy() {
        return resolver(config).resolve(tenant);
    }

    /** A dry run: the decision, without auditing it and without refusing. */
    public AdmissionResult check(Spec spec, Path bundle, String backend) {
        return admission.admit(policy(), spec, bundle, backend);
    }

    @Override
    public Spec apply(Spec spec, CreateOptions options) {
        Path bundle = options.bundle().toAbsolutePath().normalize();
        EffectivePolicy policy;
        try {
            policy = policy();
        } catch (BulwarkException e) {
            audit(new AuditRecord(now(), tenant, null, options.id(), bundle.toString(), AuditLog.bundleDigest(bundle),
                "refused", null, null, null, e.getMessage()));
            throw new BulwarkException("tenant '" + tenant + "': no usable policy: " + e.getMessage(), e);
        }
        AdmissionResult r = admission.admit(policy, spec, bundle, options.backend());
        audit(new AuditRecord(now(), tenant, policy.chain(), options.id(), bundle.toString(),
            AuditLog.bundleDigest(bundle), r.decision().json(), r.backend(), r.violations(), r.changes(), null));
        if (!r.admitted()) {
            throw refusal(r, options.id());
        }
        r.changes().forEach(c -> report.accept("tenant " + tenant + ": " + c));
        return r.spec();
    }

    /** The one-line error of a refused container: every violation, with its path, value and rule. */
    public static BulwarkException refusal(AdmissionResult r, String containerId) {
        List<Violation> v = r.violations();
        return new BulwarkException("container " + (containerId == null ? "" : "'" + containerId + "' ")
            + "refused by tenant '" + r.tenant() + "' policy (" + v.size() + (v.size() == 1 ? " violation): " : " violations): ")
            + v.stream().map(Violation::toString).collect(Collectors.joining("; ")));
    }

    private void audit(AuditRecord record) {
        if (config.auditLogPath() != null) {
            new AuditLog(config.auditLogPath()).append(record);
        }
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
