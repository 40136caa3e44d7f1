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

    /**
     * Parses {@code HOST:PORT[:tls|starttls|plain]}. Without a mode, the well-known implicit-TLS ports (465,
     * 993, 995) get {@code tls} and every other port {@code starttls}; {@code plain} must be asked for.
     */
    public static MailServer parse(String spec) {
        String[] parts = spec.trim().split(":");
        if (parts.length < 2 || parts.length > 3 || parts[0].isBlank()) {
            throw new IllegalArgumentException("expected HOST:PORT[:tls|starttls|plain], got '" + spec + "'");
        }
        int port;
        try {
            port = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port number: '" + parts[1] + "' in '" + spec + "'");
        }
        TlsMode tls;
        if (parts.length == 3) {
            tls = switch (parts[2].toLowerCase(java.util.Locale.ROOT)) {
                case "tls", "ssl", "implicit" -> TlsMode.IMPLICIT;
                case "starttls" -> TlsMode.STARTTLS;
                case "plain" -> TlsMode.PLAIN;
                default -> throw new IllegalArgumentException("unknown TLS mode '" + parts[2] + "' in '" + spec
                        + "' (use tls, starttls or plain)");
            };
        } else {
            tls = port == 465 || port == 993 || port == 995 ? TlsMode.IMPLICIT : TlsMode.STARTTLS;
        }
        return new MailServer(parts[0], port, tls);
    }

    /** The form {@link #parse} reads, e.g. {@code imap.gmail.com:993:tls}. */
    public String spec() {
        return host + ":" + port + ":" + switch (tls) {
            case IMPLICIT -> "tls";
            case STARTTLS -> "starttls";
            case PLAIN -> "plain";
        };
    }

    @Override
    public String toString() {
        return host + ":" + port + " (" + tls.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
