package io.oauthmail.server.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.security.GeneralSecurityException;
import java.util.Locale;

/**
 * How a proxy listener secures its own clients: not at all (loopback only), STARTTLS (STLS in POP3) before the
 * login, or TLS from the first byte (like 465, 993, 995). TLS 1.2 and 1.3 only, in BoringSSL where it loads
 * ({@link ProxyTls}).
 */
final class LocalTls {

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

    private final Mode mode;
    private final SslContext context;

    private LocalTls(Mode mode, SslContext context) {
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
            return new LocalTls(mode, ProxyTls.server(certificate.key(), certificate.chain()));
        } catch (GeneralSecurityException e) {
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
    SslHandler serverHandler(ByteBufAllocator alloc, boolean startTls) {
        return new SslHandler(context.newEngine(alloc), startTls);
    }
}
