package io.bulwark.cli.policy;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.core.BulwarkException;
import io.bulwark.policies.config.RuntimeConfig;
import io.bulwark.policies.parse.PolicyParser;
import io.bulwark.policies.signature.SignatureVerifier;
import java.nio.file.Path;
import java.util.List;

/** {@code bulwark policy verify}: checks policy files' detached signatures. */
public final class PolicyVerifyCommand implements Command {
    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String summary() {
        return "verify policy files' signatures with a public key (default: the configured trusted key)";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark [--config FILE] policy verify [--key PUBLIC.pub] FILE...

            Verifies FILE.sig against FILE for each FILE, with --key or else the runtime configuration's
            trustedPublicKey, exactly as admission does. Prints FILE: signature OK, or the reason it is refused.
            Exits 1 when any file fails.
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) {
        Flags f = new Flags("policy verify").value("key").parse(args);
        if (f.positional().isEmpty()) {
            throw new BulwarkException("\"policy verify\" requires at least 1 argument: FILE...", 22);
        }
        Path key = f.get("key") != null ? Path.of(f.get("key")) : PolicyCli.config(ctx).trustedPublicKeyPath();
        if (key == null) {
            throw new BulwarkException("policy verify: no key: give --key PUBLIC.pub or set trustedPublicKey in "
                + (ctx.configFile() == null ? RuntimeConfig.DEFAULT_FILE : ctx.configFile()), 22);
        }
        SignatureVerifier verifier = new SignatureVerifier(key);
        int bad = 0;
        for (String name : f.positional()) {
            Path file = Path.of(name);
            try {
                verifier.verify(file, PolicyParser.read(file));
                ctx.out().println(file + ": signature OK");
            } catch (BulwarkException e) {
                bad++;
                ctx.out().println(e.getMessage());
            }
        }
        return bad == 0 ? 0 : 1;
    }
}
