package io.oauthmail.provider;

import java.util.Objects;

/** Where a protocol is served and how it is secured, e.g. {@code imap.gmail.com:993} with implicit TLS. */
public record MailServer(String host, int port, TlsMode tls) {

    public MailServer {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tls, "tls");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port + " (" + tls.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
