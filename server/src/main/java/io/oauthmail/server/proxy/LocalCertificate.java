package io.oauthmail.server.proxy;

import io.oauthmail.error.OAuthMailException;
import io.oauthmail.store.OwnerOnlyFile;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * The certificate the proxy presents to local clients: the user's own PEM chain and key, or a self-signed one
 * that oauthmail makes and keeps in the state folder, so clients can trust (pin) it once and keep trusting it
 * across restarts. BouncyCastle reads every PEM key form and issues the certificate; the JDK can do neither.
 * Public for the web console's TLS (server.web), which uses the same machinery in a folder of its own.
 */
public final class LocalCertificate {

    private static final Duration VALIDITY = Duration.ofDays(397); // the longest browsers and Apple accept
    private static final Duration RENEW_BEFORE = Duration.ofDays(1);

    private final Path certFile;
    private final List<X509Certificate> chain;
    private final PrivateKey key;

    private LocalCertificate(Path certFile, List<X509Certificate> chain, PrivateKey key) {
        this.certFile = certFile;
        this.chain = List.copyOf(chain);
        this.key = key;
    }

    /** The user's certificate chain (leaf first) and its private key (PKCS#8, or the older RSA/EC forms), in PEM. */
    public static LocalCertificate load(Path certFile, Path keyFile) {
        try {
            List<X509Certificate> chain = readChain(certFile);
            PrivateKey key = readKey(keyFile);
            if (!matches(chain.get(0), key)) {
                throw new GeneralSecurityException("the key in " + keyFile + " does not belong to the first certificate");
            }
            return new LocalCertificate(certFile, chain, key);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new OAuthMailException("cannot use the certificate " + certFile + " with the key " + keyFile + ": "
                    + e.getMessage(), "pass the PEM certificate chain (leaf first) and its PEM private key, unencrypted", e);
        }
    }

    /**
     * The self-signed certificate in {@code dir} ({@code cert.pem}, {@code key.pem} owner-only), made now if it is
     * missing, expires within a day, or does not name every one of {@code hosts} (names or IP addresses; localhost,
     * 127.0.0.1 and ::1 are always in it). The same certificate otherwise, so a client that trusts it keeps doing so.
     */
    public static LocalCertificate generated(Path dir, Collection<String> hosts, Clock clock) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        hosts.forEach(host -> names.add(host.toLowerCase(Locale.ROOT)));
        Path certFile = dir.resolve("cert.pem");
        Path keyFile = dir.resolve("key.pem");
        try {
            if (Files.exists(certFile) && Files.exists(keyFile)) {
                LocalCertificate existing = load(certFile, keyFile);
                X509Certificate leaf = existing.chain.get(0);
                if (leaf.getNotAfter().toInstant().isAfter(clock.instant().plus(RENEW_BEFORE)) && namesAll(leaf, names)) {
                    return existing;
                }
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256); // P-256
            KeyPair keys = generator.generateKeyPair();
            X509Certificate certificate = selfSigned(keys, names, clock.instant());
            Files.createDirectories(dir);
            OwnerOnlyFile.write(keyFile, pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
            OwnerOnlyFile.write(certFile, pem(certificate));
            return new LocalCertificate(certFile, List.of(certificate), keys.getPrivate());
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new OAuthMailException("cannot make the proxy's certificate in " + dir + ": " + e.getMessage(),
                    "check that the folder is yours, or pass your own certificate and key", e);
        }
    }

    /** The PEM file clients can trust: the user's chain, or the generated certificate. */
    public Path certFile() {
        return certFile;
    }

    /** SHA-256 of the leaf certificate, as {@code openssl x509 -fingerprint -sha256} prints it: for pinning. */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(chain.get(0).getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** The chain and key as an in-memory PKCS#12 key store under {@code password}, for a JDK or Jetty TLS server. */
    public java.security.KeyStore keyStore(char[] password) {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("oauthmail", key, password, chain.toArray(X509Certificate[]::new));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot hold the certificate in a PKCS#12 key store: " + e.getMessage(), e);
        }
    }

    List<X509Certificate> chain() {
        return chain;
    }

    PrivateKey key() {
        return key;
    }

    @Override
    public String toString() {
        return certFile + " (SHA-256 " + fingerprint() + ")";
    }

    private static X509Certificate selfSigned(KeyPair keys, Set<String> names, Instant now)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        X500Name subject = new X500Name("CN=localhost,O=oauthmail proxy");
        List<GeneralName> alternatives = new ArrayList<>();
        for (String name : names) {
            alternatives.add(new GeneralName(IPAddress.isValid(name) ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        // No key usage extension: with one, OpenSSL would not count the certificate as self-signed, and clients
        // that trust exactly this file (curl --cacert, Python's ssl) would refuse it.
        X509CertificateHolder holder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(VALIDITY)), subject, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(keys.getPublic()))
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(alternatives.toArray(GeneralName[]::new)))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static boolean namesAll(X509Certificate certificate, Set<String> names) throws GeneralSecurityException {
        Set<String> present = new LinkedHashSet<>();
        Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
        if (alternatives != null) {
            alternatives.forEach(entry -> present.add(normalized(String.valueOf(entry.get(1)))));
        }
        return names.stream().map(LocalCertificate::normalized).allMatch(present::contains);
    }

    /** Host names in lower case, addresses as the JDK prints them (IPv6 in full), so both forms compare equal. */
    private static String normalized(String host) {
        if (!IPAddress.isValid(host)) {
            return host.toLowerCase(Locale.ROOT);
        }
        try {
            return InetAddress.getByName(host).getHostAddress(); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            return host;
        }
    }

    private static List<X509Certificate> readChain(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file); PEMParser pem = new PEMParser(reader)) {
            Object object;
            while ((object = pem.readObject()) != null) {
                if (object instanceof X509CertificateHolder holder) {
                    chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        }
        if (chain.isEmpty()) {
            throw new IOException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    private static PrivateKey readKey(Path file) throws IOException {
        Object object;
        try (Reader reader = Files.newBufferedReader(file); PEMParser pem = new PEMParser(reader)) {
            object = pem.readObject();
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        if (object instanceof PrivateKeyInfo info) { // -----BEGIN PRIVATE KEY----- (PKCS#8)
            return converter.getPrivateKey(info);
        }
        if (object instanceof PEMKeyPair pair) { // -----BEGIN RSA/EC PRIVATE KEY-----
            return converter.getKeyPair(pair).getPrivate();
        }
        throw new IOException(file + " holds no unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    /** True if {@code key} signs what the certificate's public key verifies: the pair belongs together. */
    private static boolean matches(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        if (!key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
            return false;
        }
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
        byte[] probe = "oauthmail".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        return verifier.verify(signature);
    }

    /** PEM text of a certificate, or of a key as PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}, what most tools expect). */
    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
