package io.bulwark.cli.policy;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.core.BulwarkException;
import io.bulwark.policies.parse.PolicyParser;
import io.bulwark.policies.signature.Ed25519Keys;
import io.bulwark.policies.signature.PolicySignatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** {@code bulwark policy sign}: detached signatures of policy files. */
public final class PolicySignCommand implements Command {
    @Override
    public String name() {
        return "sign";
    }

    @Override
    public String summary() {
        return "sign policy files (writes FILE.sig: base64 Ed25519 signature of the file's bytes)";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark policy sign --key PRIVATE.key FILE...

            Checks that each FILE is a valid policy, then writes FILE.sig next to it: the Ed25519 signature of the
            file's exact bytes, base64 on one line. The same signature (base64-decoded) verifies with
            "openssl pkeyutl -verify -pubin -inkey PUBLIC.pub -rawin -in FILE -sigfile SIG.bin".
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws IOException {
        Flags f = new Flags("policy sign").value("key").parse(args);
        if (f.get("key") == null) {
            throw new BulwarkException("policy sign: --key PRIVATE.key is required", 22);
        }
        if (f.positional().isEmpty()) {
            throw new BulwarkException("\"policy sign\" requires at least 1 argument: FILE...", 22);
        }
        Ed25519PrivateKeyParameters key = Ed25519Keys.readPrivate(Path.of(f.get("key")));
        for (String name : f.positional()) {
            Path file = Path.of(name);
            byte[] content = PolicyParser.read(file);
            PolicyParser.parse(content, file.toString()); // never sign a file that could not be used
            Path sig = PolicySignatures.signatureFile(file);
            Files.writeString(sig, PolicySignatures.encode(PolicySignatures.sign(key, content)), StandardCharsets.US_ASCII);
            ctx.out().println(file + ": signed (" + sig + ", " + Ed25519Keys.fingerprint(key.generatePublicKey()) + ")");
        }
        return 0;
    }
}
