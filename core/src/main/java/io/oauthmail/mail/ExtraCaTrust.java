package io.oauthmail.mail;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server whose chain the user's extra CAs or the JDK's CAs accept: the extra CAs are checked first,
 * and the JDK's trust store is only loaded when they do not accept a chain. Copying the JDK's ~140 CAs into one
 * key store with the extra ones, as before, took 0.5 to 0.9 s before the first connection of every process that
 * used a CA file (measured against the test bed), longer than a whole send. The JDK has no way to combine two
 * trust managers, so this delegates by hand; both are the JDK's own, so every check (chain, validity,
 * algorithm constraints, and the endpoint identity where the socket asks for it) is theirs.
 */
final class ExtraCaTrust extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager extra;
    private volatile X509ExtendedTrustManager jdk;

    ExtraCaTrust(KeyStore extraCas) throws GeneralSecurityException {
        this.extra = trustManager(extraCas);
    }

    private X509ExtendedTrustManager jdk() throws CertificateException {
        X509ExtendedTrustManager loaded = jdk;
        if (loaded == null) {
            try {
                loaded = trustManager(null);
            } catch (GeneralSecurityException e) {
                throw new CertificateException("cannot load the JDK's trusted CAs: " + e.getMessage(), e);
            }
            jdk = loaded;
        }
        return loaded;
    }

    /** The JDK's own trust manager (its CAs, or those of {@code javax.net.ssl.trustStore}). */
    static X509ExtendedTrustManager jdkTrustManager() throws GeneralSecurityException {
        return trustManager(null);
    }

    private static X509ExtendedTrustManager trustManager(KeyStore anchors) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager in " + factory.getProvider());
    }

    private interface Check {
        void run(X509ExtendedTrustManager manager) throws CertificateException;
    }

    private void eitherAccepts(Check check) throws CertificateException {
        try {
            check.run(extra);
        } catch (CertificateException notByTheExtraCas) {
            try {
                check.run(jdk());
            } catch (CertificateException notByTheJdk) {
                notByTheJdk.addSuppressed(notByTheExtraCas);
                throw notByTheJdk;
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        eitherAccepts(m -> m.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        eitherAccepts(m -> m.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        eitherAccepts(m -> m.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        eitherAccepts(m -> m.checkClientTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        eitherAccepts(m -> m.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        eitherAccepts(m -> m.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        try {
            return Stream.concat(Arrays.stream(extra.getAcceptedIssuers()), Arrays.stream(jdk().getAcceptedIssuers()))
                    .toArray(X509Certificate[]::new);
        } catch (CertificateException e) {
            return extra.getAcceptedIssuers();
        }
    }
}
