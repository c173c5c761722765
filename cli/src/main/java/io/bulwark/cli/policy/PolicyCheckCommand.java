package io.bulwark.cli.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.SpecParser;
import io.bulwark.policies.TenantAdmission;
import io.bulwark.policies.admission.AdmissionResult;
import io.bulwark.policies.admission.Change;
import io.bulwark.policies.admission.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code bulwark policy check}: a dry run of admission for a bundle. */
public final class PolicyCheckCommand implements Command {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    @Override
    public String name() {
        return "check";
    }

    @Override
    public String summary() {
        return "dry-run admission of a bundle under a tenant's policy (exit 1 when refused)";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark [--tenant T] [--config FILE] policy check [--tenant T] [--backend B] [--format text|json] BUNDLE

            Checks BUNDLE/config.json against tenant T's effective policy (--tenant, else the runtime
            configuration's defaultTenant) exactly as create would, without creating anything or writing the audit
            log. Prints the decision, every violation and every change; with --format json, also the config the
            container would get. Exits 0 when the bundle would be admitted, 1 when it would be refused.
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws Exception {
        Flags f = new Flags("policy check").value("tenant").value("backend").value("format").parse(args);
        f.requireArgs(1, "BUNDLE");
        String format = f.get("format", "text");
        if (!format.equals("text") && !format.equals("json")) {
            throw new BulwarkException("policy check: --format must be text or json", 22);
        }
        TenantAdmission admission = PolicyCli.admission(ctx, f.get("tenant"));
        Path bundle = Path.of(f.positional().get(0)).toAbsolutePath().normalize();
        Spec spec = readConfig(bundle);
        AdmissionResult r = admission.check(spec, bundle, f.get("backend"));
        if (format.equals("json")) {
            ObjectNode out = JSON.createObjectNode();
            out.put("tenant", r.tenant());
            out.put("decision", r.decision().json());
            out.put("backend", r.backend());
            out.set("violations", JSON.valueToTree(r.violations()));
            out.set("changes", JSON.valueToTree(r.changes()));
            if (r.wallClockLimitSeconds() != null) {
                out.put("wallClockLimitSeconds", r.wallClockLimitSeconds());
            }
            if (r.spec() != null) {
                out.set("config", JSON.valueToTree(r.spec()));
            }
            ctx.out().println(JSON.writeValueAsString(out));
        } else {
            ctx.out().println("tenant " + r.tenant() + ": " + r.decision().json() + " (backend " + r.backend() + ", "
                + r.violations().size() + " violations, " + r.changes().size() + " changes)");
            for (Violation v : r.violations()) {
                ctx.out().println("  violation " + v);
            }
            for (Change c : r.changes()) {
                ctx.out().println("  change    " + c);
            }
        }
        return r.admitted() ? 0 : 1;
    }

    /** The bundle's config, parsed and validated exactly as create does it. */
    private static Spec readConfig(Path bundle) {
        Path config = bundle.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new BulwarkException(config + ": no such file (is " + bundle + " an OCI bundle?)", 2);
        }
        return SpecParser.load(config);
    }
}
