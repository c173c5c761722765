package io.bulwark.policies.signature;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.testing.Requirements;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignatureTest {
    @TempDir
    Path dir;
    Path policy;

    @BeforeEach
    void writePolicy() throws Exception {
        policy = dir.resolve("team.json");
        Files.writeString(policy, "{\"name\": \"team\", \"extends\": \"default\", \"network\": {\"mode\": \"none\"}}\n");
    }

    private Path writeKeys(Ed25519PrivateKeyParameters key) throws Exception {
        Files.writeString(dir.resolve("k.key"), Ed25519Keys.privatePem(key));
        Path pub = dir.resolve("k.pub");
        Files.writeString(pub, Ed25519Keys.publicPem(key.generatePublicKey()));
        return pub;
    }

    private void sign(Ed25519PrivateKeyParameters key, Path file) throws Exception {
        Files.writeString(PolicySignatures.signatureFile(file),
            PolicySignatures.encode(PolicySignatures.sign(key, Files.readAllBytes(file))));
    }

    @Test
    void keysSurviveTheirPemEncodings() throws Exception {
        Ed25519PrivateKeyParameters key = Ed25519Keys.generate();
        Path pub = writeKeys(key);
        assertArrayEquals(key.getEncoded(), Ed25519Keys.readPrivate(dir.resolve("k.key")).getEncoded());
        assertArrayEquals(key.generatePublicKey().getEncoded(), Ed25519Keys.readPublic(pub).getEncoded());
        assertTrue(Files.readString(dir.resolve("k.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(pub).startsWith("-----BEGIN PUBLIC KEY-----"));
    }

    @Test
    void aSignedPolicyVerifiesAndATamperedOneIsRefused() throws Exception {
        Ed25519PrivateKeyParameters key = Ed25519Keys.generate();
        SignatureVerifier verifier = new SignatureVerifier(writeKeys(key));
        sign(key, policy);
        assertDoesNotThrow(() -> verifier.verify(policy, Files.readAllBytes(policy)));
        byte[] tampered = Files.readString(policy).replace("none", "host").getBytes(StandardCharsets.UTF_8);
        BulwarkException e = assertThrows(BulwarkException.class, () -> verifier.verify(policy, tampered));
        assertTrue(e.getMessage().contains("does not verify with the trusted key"), e.getMessage());
    }

    @Test
    void missingWrongKeyAndGarbledSignaturesAreRefused() throws Exception {
        Ed25519PrivateKeyParameters key = Ed25519Keys.generate();
        SignatureVerifier verifier = new SignatureVerifier(writeKeys(key));
        byte[] content = Files.readAllBytes(policy);
        assertTrue(assertThrows(BulwarkException.class, () -> verifier.verify(policy, content)).getMessage()
            .contains("the policy is not signed (no team.json.sig)"));
        sign(Ed25519Keys.generate(), policy);
        assertThrows(BulwarkException.class, () -> verifier.verify(policy, content));
        Files.writeString(PolicySignatures.signatureFile(policy), "not base64!\n");
        assertTrue(assertThrows(BulwarkException.class, () -> verifier.verify(policy, content)).getMessage().contains("not base64"));
        Files.writeString(PolicySignatures.signatureFile(policy), "AAAA\n");
        assertTrue(assertThrows(BulwarkException.class, () -> verifier.verify(policy, content)).getMessage().contains("3 bytes, expected 64"));
    }

    @Test
    void keyFilesOfTheWrongKindAreClearErrors() throws Exception {
        Path pub = writeKeys(Ed25519Keys.generate());
        assertTrue(assertThrows(BulwarkException.class, () -> Ed25519Keys.readPrivate(pub)).getMessage()
            .contains("a PEM PUBLIC KEY, expected PRIVATE KEY"));
        Files.writeString(dir.resolve("junk.pub"), "hello\n");
        assertTrue(assertThrows(BulwarkException.class, () -> Ed25519Keys.readPublic(dir.resolve("junk.pub"))).getMessage()
            .contains("no PEM block"));
        assertTrue(assertThrows(BulwarkException.class, () -> Ed25519Keys.readPublic(dir.resolve("none.pub"))).getMessage()
            .contains("no such key file"));
    }

    // ---- OpenSSL interop ----------------------------------------------------------------------------------------

    private static boolean hasOpenssl() {
        for (String p : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, "openssl"))) {
                return true;
            }
        }
        return false;
    }

    private String openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "openssl hung");
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + " failed: " + out);
        return out;
    }

    @Test
    void opensslReadsBulwarksKeysAndVerifiesItsSignatures() throws Exception {
        Requirements.require(hasOpenssl(), "the openssl command");
        Ed25519PrivateKeyParameters key = Ed25519Keys.generate();
        writeKeys(key);
        sign(key, policy);
        assertTrue(openssl("pkey", "-in", "k.key", "-noout", "-text").contains("ED25519 Private-Key"));
        assertTrue(openssl("pkey", "-pubin", "-in", "k.pub", "-noout", "-text").contains("ED25519 Public-Key"));
        openssl("base64", "-d", "-A", "-in", "team.json.sig", "-out", "sig.bin");
        assertTrue(openssl("pkeyutl", "-verify", "-pubin", "-inkey", "k.pub", "-rawin", "-in", "team.json",
            "-sigfile", "sig.bin").contains("Signature Verified Successfully"));
    }

    @Test
    void bulwarkReadsOpensslsKeysAndVerifiesItsSignatures() throws Exception {
        Requirements.require(hasOpenssl(), "the openssl command");
        openssl("genpkey", "-algorithm", "ed25519", "-out", "o.key");
        openssl("pkey", "-in", "o.key", "-pubout", "-out", "o.pub");
        openssl("pkeyutl", "-sign", "-inkey", "o.key", "-rawin", "-in", "team.json", "-out", "o.sig.bin");
        byte[] sslSignature = Files.readAllBytes(dir.resolve("o.sig.bin"));
        Files.writeString(PolicySignatures.signatureFile(policy), PolicySignatures.encode(sslSignature));
        assertDoesNotThrow(() -> new SignatureVerifier(dir.resolve("o.pub")).verify(policy, Files.readAllBytes(policy)));
        // Ed25519 is deterministic: Bulwark signing with OpenSSL's key gives OpenSSL's signature
        Ed25519PrivateKeyParameters key = Ed25519Keys.readPrivate(dir.resolve("o.key"));
        assertArrayEquals(sslSignature, PolicySignatures.sign(key, Files.readAllBytes(policy)));
        assertFalse(PolicySignatures.verify(key.generatePublicKey(), "other".getBytes(StandardCharsets.UTF_8), sslSignature));
    }
}
