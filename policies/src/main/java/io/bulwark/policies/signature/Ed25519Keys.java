package io.bulwark.policies.signature;

import io.bulwark.core.BulwarkException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Ed25519 keys in the encodings OpenSSL uses: a private key as PEM {@code PRIVATE KEY} (PKCS#8), a public key as
 * PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo). {@code openssl genpkey -algorithm ed25519} writes the same.
 */
public final class Ed25519Keys {
    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private Ed25519Keys() {
    }

    public static Ed25519PrivateKeyParameters generate() {
        return new Ed25519PrivateKeyParameters(new SecureRandom());
    }

    /**
     * PKCS#8 version 1 (RFC 8410 section 7: the seed only). BouncyCastle's own encoder writes version 2 with the
     * public key attached, which OpenSSL 3.0 refuses to load.
     */
    public static String privatePem(Ed25519PrivateKeyParameters key) {
        try {
            PrivateKeyInfo info = new PrivateKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
                new DEROctetString(key.getEncoded()));
            return pem(PRIVATE, info.getEncoded());
        } catch (IOException e) {
            throw new BulwarkException("cannot encode the private key: " + e.getMessage(), e);
        }
    }

    public static String publicPem(Ed25519PublicKeyParameters key) {
        try {
            return pem(PUBLIC, SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key).getEncoded());
        } catch (IOException e) {
            throw new BulwarkException("cannot encode the public key: " + e.getMessage(), e);
        }
    }

    public static Ed25519PrivateKeyParameters readPrivate(Path file) {
        AsymmetricKeyParameter key;
        try {
            key = PrivateKeyFactory.createKey(read(file, PRIVATE));
        } catch (IOException | RuntimeException e) {
            throw new BulwarkException(file + ": not a PKCS#8 private key: " + e.getMessage(), e);
        }
        if (!(key instanceof Ed25519PrivateKeyParameters ed)) {
            throw new BulwarkException(file + ": not an Ed25519 private key");
        }
        return ed;
    }

    public static Ed25519PublicKeyParameters readPublic(Path file) {
        AsymmetricKeyParameter key;
        try {
            key = PublicKeyFactory.createKey(read(file, PUBLIC));
        } catch (IOException | RuntimeException e) {
            throw new BulwarkException(file + ": not a public key (PEM SubjectPublicKeyInfo): " + e.getMessage(), e);
        }
        if (!(key instanceof Ed25519PublicKeyParameters ed)) {
            throw new BulwarkException(file + ": not an Ed25519 public key");
        }
        return ed;
    }

    /** A short, stable name for a public key in messages: the first 16 hex digits of the SHA-256 of its SPKI. */
    public static String fingerprint(Ed25519PublicKeyParameters key) {
        try {
            byte[] spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key).getEncoded();
            return "SHA256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki)).substring(0, 16);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new BulwarkException("cannot fingerprint the key: " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) throws IOException {
        StringWriter out = new StringWriter();
        try (PemWriter w = new PemWriter(out)) {
            w.writeObject(new PemObject(type, der));
        }
        return out.toString();
    }

    private static byte[] read(Path file, String type) throws IOException {
        String text;
        try {
            if (Files.size(file) > 64 * 1024) {
                throw new BulwarkException(file + ": too large for a key file");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new BulwarkException(file + ": no such key file");
        }
        try (PemReader r = new PemReader(new StringReader(text))) {
            PemObject o = r.readPemObject();
            if (o == null) {
                throw new BulwarkException(file + ": no PEM block (expected -----BEGIN " + type + "-----)");
            }
            if (!type.equals(o.getType())) {
                throw new BulwarkException(file + ": a PEM " + o.getType() + ", expected " + type);
            }
            return o.getContent();
        }
    }
}
