package io.oauthmail.mail;

import io.oauthmail.error.OAuthMailException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The certificates mail connections trust: the JDK's CAs, plus the CAs of a PEM file where the user gave one
 * ({@code --ca-file}, for a company CA or the sandbox). Verification is never switched off: there is no
 * trust-everything option in production code.
 */
public final class TlsTrust {

    private TlsTrust() {
    }

    /** A socket factory trusting the JDK's CAs and those in {@code extraCaPem} (may be {@code null}). */
    public static SSLSocketFactory socketFactory(Path extraCaPem) {
        if (extraCaPem == null) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        return context(extraCaPem).getSocketFactory();
    }

    /**
     * A TLS context trusting the JDK's CAs and those in {@code extraCaPem} (may be {@code null}), for engines
     * on non-blocking connections (the proxy's upstream side).
     */
    public static SSLContext context(Path extraCaPem) {
        try {
            if (extraCaPem == null) {
                return SSLContext.getDefault();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager(extraCaPem)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new OAuthMailException("cannot use the CA file " + extraCaPem + ": " + e.getMessage(),
                    "pass a PEM file with one or more CA certificates (-----BEGIN CERTIFICATE-----)", e);
        }
    }

    /**
     * The trust manager {@link #context} uses, for TLS engines built elsewhere (the proxy's, which may be
     * BoringSSL's): the JDK's CAs, and those in {@code extraCaPem} when given. An {@code X509ExtendedTrustManager},
     * so it checks the host name wherever the engine asks for endpoint identification.
     */
    public static TrustManager trustManager(Path extraCaPem) {
        try {
            if (extraCaPem == null) {
                return ExtraCaTrust.jdkTrustManager();
            }
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            int n = 0;
            for (Certificate ca : readPem(extraCaPem)) {
                anchors.setCertificateEntry("extra-" + n++, ca);
            }
            return new ExtraCaTrust(anchors);
        } catch (GeneralSecurityException | IOException e) {
            throw new OAuthMailException("cannot use the CA file " + extraCaPem + ": " + e.getMessage(),
                    "pass a PEM file with one or more CA certificates (-----BEGIN CERTIFICATE-----)", e);
        }
    }

    private static Collection<? extends Certificate> readPem(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IOException("it holds no certificate");
            }
            return certificates;
        }
    }
}
