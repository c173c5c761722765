package io.bulwark.policies.signature;

import io.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Detached Ed25519 signatures of policy files: the signature of a file's exact bytes, base64 on one line, in
 * {@code FILE.sig} next to it. {@code openssl pkeyutl -sign -rawin} makes the same signature (after base64).
 */
public final class PolicySignatures {
    public static final String SUFFIX = ".sig";
    private static final int SIGNATURE_BYTES = 64;

    private PolicySignatures() {
    }

    public static Path signatureFile(Path file) {
        return file.resolveSibling(file.getFileName() + SUFFIX);
    }

    public static byte[] sign(Ed25519PrivateKeyParameters key, byte[] content) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(content, 0, content.length);
        return signer.generateSignature();
    }

    public static boolean verify(Ed25519PublicKeyParameters key, byte[] content, byte[] signature) {
        if (signature.length != SIGNATURE_BYTES) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(content, 0, content.length);
        return verifier.verifySignature(signature);
    }

    /** The text of a signature file: base64 and a newline. */
    public static String encode(byte[] signature) {
        return Base64.getEncoder().encodeToString(signature) + "\n";
    }

    /** Reads a signature file; a missing file is an error that says so. */
    public static byte[] read(Path sigFile) {
        String text;
        try {
            if (Files.size(sigFile) > 4096) {
                throw new BulwarkException(sigFile + ": too large for a signature file");
            }
            text = Files.readString(sigFile, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new BulwarkException(sigFile + ": no such signature file");
        } catch (IOException e) {
            throw new BulwarkException(sigFile + ": cannot read: " + e.getMessage(), e);
        }
        try {
            byte[] sig = Base64.getDecoder().decode(text);
            if (sig.length != SIGNATURE_BYTES) {
                throw new BulwarkException(sigFile + ": not an Ed25519 signature (" + sig.length + " bytes, expected 64)");
            }
            return sig;
        } catch (IllegalArgumentException e) {
            throw new BulwarkException(sigFile + ": not base64: " + e.getMessage());
        }
    }
}
