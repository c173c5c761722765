package io.bulwark.cli.policy;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.core.BulwarkException;
import io.bulwark.policies.signature.Ed25519Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** {@code bulwark policy keygen}: a new Ed25519 key pair for signing policies. */
public final class PolicyKeygenCommand implements Command {
    @Override
    public String name() {
        return "keygen";
    }

    @Override
    public String summary() {
        return "make an Ed25519 key pair (PEM PKCS#8 private, PEM SPKI public)";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark policy keygen [--force] PREFIX

            Writes PREFIX.key (the private key, PEM PKCS#8, mode 0600) and PREFIX.pub (the public key, PEM
            SubjectPublicKeyInfo), the formats of "openssl genpkey -algorithm ed25519" and "openssl pkey -pubout".
            Refuses to overwrite existing files unless --force. Name PREFIX.pub as trustedPublicKey in the runtime
            configuration; keep PREFIX.key away from the hosts that run containers.
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws IOException {
        Flags f = new Flags("policy keygen").bool("force").parse(args);
        f.requireArgs(1, "PREFIX");
        Path priv = Path.of(f.positional().get(0) + ".key");
        Path pub = Path.of(f.positional().get(0) + ".pub");
        if (!f.has("force")) {
            for (Path p : List.of(priv, pub)) {
                if (Files.exists(p)) {
                    throw new BulwarkException(p + ": already exists (use --force to replace it)", 17);
                }
            }
        }
        Ed25519PrivateKeyParameters key = Ed25519Keys.generate();
        Files.deleteIfExists(priv);
        Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(priv, Ed25519Keys.privatePem(key), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(pub, Ed25519Keys.publicPem(key.generatePublicKey()), StandardCharsets.US_ASCII);
        ctx.out().println("private key " + priv + ", public key " + pub + " ("
            + Ed25519Keys.fingerprint(key.generatePublicKey()) + ")");
        return 0;
    }
}
