package io.bulwark.policies.signature;

import io.bulwark.core.BulwarkException;
import io.bulwark.policies.inherit.FileVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/** Accepts a policy file only with a detached signature ({@code FILE.sig}) that the trusted key verifies. */
public final class SignatureVerifier implements FileVerifier {
    private final Ed25519PublicKeyParameters key;
    private final Path keyFile;

    public SignatureVerifier(Path trustedKeyFile) {
        this.keyFile = trustedKeyFile;
        this.key = Ed25519Keys.readPublic(trustedKeyFile);
    }

    @Override
    public void verify(Path file, byte[] content) {
        Path sigFile = PolicySignatures.signatureFile(file);
        if (!Files.exists(sigFile)) {
            throw new BulwarkException(file + ": refused: the policy is not signed (no " + sigFile.getFileName()
                + ") and a trusted key is configured (" + keyFile + ", " + Ed25519Keys.fingerprint(key) + ")");
        }
        byte[] signature = PolicySignatures.read(sigFile);
        if (!PolicySignatures.verify(key, content, signature)) {
            throw new BulwarkException(file + ": refused: its signature " + sigFile.getFileName()
                + " does not verify with the trusted key " + keyFile + " (" + Ed25519Keys.fingerprint(key)
                + "): the file was changed after signing, or signed with another key");
        }
    }
}
