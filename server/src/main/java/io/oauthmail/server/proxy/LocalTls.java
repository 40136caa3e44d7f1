package io.oauthmail.server.proxy;

import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * How a proxy listener secures its own clients: not at all (loopback only), STARTTLS (STLS in POP3) before the
 * login, or TLS from the first byte (like 465, 993, 995). TLS 1.2 and 1.3 only.
 */
public final class LocalTls {

    /** The local TLS modes, as the config file and {@code --tls} spell them in lower case. */
    public enum Mode {
        NONE, STARTTLS, IMPLICIT;

        /** {@code none}, {@code starttls} or {@code implicit}. */
        public static Mode parse(String text) {
            try {
                return valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown TLS mode '" + text + "' (use none, starttls or implicit)", e);
            }
        }
    }

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final Mode mode;
    private final SSLContext context;

    private LocalTls(Mode mode, SSLContext context) {
        this.mode = mode;
        this.context = context;
    }

    /** Plain connections: for loopback listeners only. */
    public static LocalTls none() {
        return new LocalTls(Mode.NONE, null);
    }

    /** {@code mode} (STARTTLS or IMPLICIT) presenting {@code certificate}. */
    public static LocalTls of(Mode mode, LocalCertificate certificate) {
        if (mode == Mode.NONE) {
            return none();
        }
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("proxy", certificate.key(), password, certificate.chain().toArray(X509Certificate[]::new));
            KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(managers.getKeyManagers(), null, null);
            return new LocalTls(mode, context);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the proxy's TLS context from " + certificate.certFile(), e);
        }
    }

    public Mode mode() {
        return mode;
    }

    /**
     * Server-side TLS for a client connection; {@code startTls}: the reply that says "go ahead" still goes out in
     * the clear (STARTTLS, STLS), the handshake follows it.
     */
    SslHandler serverHandler(boolean startTls) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        engine.setSSLParameters(parameters);
        return new SslHandler(engine, startTls);
    }
}
