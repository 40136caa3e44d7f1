package io.oauthmail.sandbox;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority made fresh for each sandbox, and the one server certificate it signs
 * (for {@code localhost} and {@code 127.0.0.1}). Clients are given the CA certificate, so they verify the
 * sandbox's servers the way they verify Gmail's, instead of trusting everything.
 *
 * <p>The JDK has no public API to issue certificates; BouncyCastle's builder does it in a few lines.
 */
public final class TestCertificateAuthority {

    private static final Duration VALIDITY = Duration.ofDays(2);

    private final X509Certificate caCertificate;
    private final X509Certificate serverCertificate;
    private final KeyPair serverKeys;

    private TestCertificateAuthority(X509Certificate ca, X509Certificate server, KeyPair serverKeys) {
        this.caCertificate = ca;
        this.serverCertificate = server;
        this.serverKeys = serverKeys;
    }

    /** Makes a new CA named {@code name} and a server certificate for localhost and 127.0.0.1 signed by it. */
    public static TestCertificateAuthority create(String name) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair caKeys = generator.generateKeyPair();
            KeyPair serverKeys = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name caName = new X500Name("CN=" + name + " test CA,O=oauthmail sandbox");
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();

            X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(VALIDITY)), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCert = sign(ca, caKeys);

            X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caCert, serial(),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(VALIDITY)),
                    new X500Name("CN=localhost,O=oauthmail sandbox"), serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(caCert))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            return new TestCertificateAuthority(caCert, sign(server, caKeys), serverKeys);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot create the sandbox's test certificate authority", e);
        }
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** The CA certificate in PEM, as a user would pass it with {@code --ca-file}. */
    public String caCertificatePem() {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(caCertificate);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** Writes the CA certificate in PEM to {@code file} and returns the file. */
    public Path writeCaCertificate(Path file) throws IOException {
        Files.writeString(file, caCertificatePem());
        return file;
    }

    /** A TLS context that presents the server certificate, for the sandbox's servers. */
    public SSLContext serverContext() {
        try {
            char[] password = new char[0];
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("server", serverKeys.getPrivate(), password,
                    new X509Certificate[] {serverCertificate, caCertificate});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keyStore, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the sandbox's server TLS context", e);
        }
    }

    /** A TLS context that trusts only this CA: for tests that talk to the sandbox without oauthmail's own code. */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("sandbox-ca", caCertificate);
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context trusting the sandbox CA", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom());
    }
}
