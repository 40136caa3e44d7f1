package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.error.OAuthMailException;
import io.oauthmail.mail.TlsTrust;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy's certificate: the generated one kept and renewed, and the user's own RSA one served as given. */
class LocalCertificateTest {

    @TempDir
    Path dir;

    @Test
    void theGeneratedCertificateIsKeptOwnerOnlyReusedAndRenewedNearExpiry() throws Exception {
        Clock now = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
        LocalCertificate first = LocalCertificate.generated(dir, List.of(), now);
        assertThat(first.certFile()).isEqualTo(dir.resolve("cert.pem"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("key.pem")))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(first.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(LocalCertificate.generated(dir, List.of("LOCALHOST", "::1"), Clock.offset(now, Duration.ofDays(300)))
                .fingerprint()).isEqualTo(first.fingerprint());
        assertThat(LocalCertificate.generated(dir, List.of(), Clock.offset(now, Duration.ofDays(397))).fingerprint())
                .isNotEqualTo(first.fingerprint());
    }

    @Test
    void aNewListenHostGetsACertificateNamingIt() throws Exception {
        LocalCertificate loopback = LocalCertificate.generated(dir, List.of(), Clock.systemUTC());
        LocalCertificate wider = LocalCertificate.generated(dir, List.of("192.0.2.7", "mail.example.test"), Clock.systemUTC());
        assertThat(wider.fingerprint()).isNotEqualTo(loopback.fingerprint());
        assertThat(wider.chain().get(0).getSubjectAlternativeNames()).extracting(name -> (Object) name.get(1))
                .contains((Object) "localhost", "127.0.0.1", "192.0.2.7", "mail.example.test");
    }

    @Test
    void theUsersRsaCertificateIsServedAndAForeignKeyIsRefused() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair keys = rsa.generateKeyPair();
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        var certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.TEN, Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic())
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        Path certFile = Files.writeString(dir.resolve("fullchain.pem"), pem(certificate));
        Path keyFile = Files.writeString(dir.resolve("key.pem"), pem(new JcaPKCS8Generator(keys.getPrivate(), null)));

        LocalCertificate mine = LocalCertificate.load(certFile, keyFile);
        ListenerOptions options = new ListenerOptions("smtps", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                LocalTls.of(LocalTls.Mode.IMPLICIT, mine), Optional.empty(), 5);
        try (SmtpProxy proxy = SmtpProxy.start(options, Map.of(), new LocalPasswords(dir.resolve("p")), null);
                SSLSocket client = (SSLSocket) TlsTrust.socketFactory(certFile).createSocket("localhost", proxy.port())) {
            client.startHandshake();
            assertThat(client.getSession().getPeerCertificates()[0]).isEqualTo(certificate);
            assertThat(client.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII)).readLine())
                    .startsWith("220 ");
        }

        Path otherKey = LocalCertificate.generated(dir.resolve("other"), List.of(), Clock.systemUTC()).certFile()
                .resolveSibling("key.pem");
        assertThatThrownBy(() -> LocalCertificate.load(certFile, otherKey)).isInstanceOf(OAuthMailException.class)
                .hasMessageContaining("does not belong to the first certificate");
        assertThatThrownBy(() -> LocalCertificate.load(keyFile, keyFile)).hasMessageContaining("holds no PEM certificate");
    }

    private static String pem(Object object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
