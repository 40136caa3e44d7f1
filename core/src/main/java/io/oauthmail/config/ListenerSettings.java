package io.oauthmail.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One {@code [[listener]]} of the config file: a local proxy address and protocol, checked by {@link ConfigReader}.
 *
 * <pre>
 * [[listener]]
 * protocol = "imap"                      # smtp | imap | pop
 * listen = "127.0.0.1:1143"
 * upstream = "imap.gmail.com:993:tls"    # optional: one server for every login; default: each account's own
 * tls = "starttls"                       # none (default, loopback only) | starttls | implicit
 * cert = "/etc/ssl/fullchain.pem"        # optional, with key: default a generated self-signed certificate
 * key = "/etc/ssl/key.pem"
 * accounts = ["work@corp.com"]           # optional: who may log in here; default every account
 * max_connections = 5000                 # optional: clients at once; the next is told to come back later
 *
 * [[listener]]
 * protocol = "relay"                     # the relay: mail is queued, then delivered (no upstream)
 * listen = "127.0.0.1:2525"
 * account = "office@corp.com"            # optional: who sends for clients that do not log in
 * allow_unauthenticated = ["192.168.1.0/24"]  # optional: client addresses that may send without AUTH
 * max_message_size = 36700160            # optional: bytes (default 35 MiB, as Gmail's)
 * </pre>
 *
 * @param name     where it was written, for messages: {@code listener[2]} (counted from 1, in file order)
 * @param protocol {@code smtp}, {@code imap}, {@code pop} or {@code relay}
 * @param listen   {@code HOST:PORT}
 * @param upstream a {@code HOST:PORT[:tls|starttls|plain]} spec, or empty for each account's own server
 * @param tls      {@code none}, {@code starttls} or {@code implicit}
 * @param cert     the PEM certificate chain, or empty for the generated certificate (then {@code key} is empty too)
 * @param key      the PEM private key (PKCS#8, RSA or EC) of {@code cert}
 * @param accounts the accounts that may log in here; empty for all
 * @param maxConnections the most clients at once ({@link #DEFAULT_MAX_CONNECTIONS} unless set)
 * @param relay    what only a relay listener has ({@link Relay#DEFAULTS} on the others)
 */
public record ListenerSettings(String name, String protocol, String listen, Optional<String> upstream, String tls,
        Optional<Path> cert, Optional<Path> key, List<String> accounts, int maxConnections, Relay relay) {

    /**
     * A relay listener's own settings.
     *
     * @param account              the account that sends for clients that do not log in; empty: they must log in
     * @param allowUnauthenticated client addresses ({@code 192.168.1.0/24}, {@code 10.0.0.7}, {@code fd00::/8}) that
     *                             may send without AUTH, as {@code account} only; empty: every client logs in
     * @param maxMessageSize       the largest message in bytes, advertised as SIZE
     */
    public record Relay(Optional<String> account, List<String> allowUnauthenticated, long maxMessageSize) {
        /** 35 MiB: what Gmail takes (Microsoft 365 takes 35 MB by default too). */
        public static final long DEFAULT_MAX_MESSAGE_SIZE = 35L * 1024 * 1024;
        /** No default account, nobody unauthenticated, 35 MiB. */
        public static final Relay DEFAULTS = new Relay(Optional.empty(), List.of(), DEFAULT_MAX_MESSAGE_SIZE);

        public Relay {
            allowUnauthenticated = List.copyOf(allowUnauthenticated);
        }
    }

    /** A proxy listener (smtp, imap, pop): no relay settings. */
    public ListenerSettings(String name, String protocol, String listen, Optional<String> upstream, String tls,
            Optional<Path> cert, Optional<Path> key, List<String> accounts, int maxConnections) {
        this(name, protocol, listen, upstream, tls, cert, key, accounts, maxConnections, Relay.DEFAULTS);
    }

    /**
     * Clients at once per listener unless {@code max_connections} says otherwise: a daemon on event loops carries
     * thousands of idle sessions (each costs two file descriptors: mind {@code ulimit -n}).
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 5000;
    /** The most {@code max_connections} may be: past it the file descriptors run out first. */
    public static final int MOST_CONNECTIONS = 100_000;

    /** The values {@code protocol} and {@code tls} may take. */
    public static final List<String> PROTOCOLS = List.of("smtp", "imap", "pop", "relay");
    public static final List<String> TLS_MODES = List.of("none", "starttls", "implicit");

    public ListenerSettings {
        accounts = List.copyOf(accounts);
        java.util.Objects.requireNonNull(relay, "relay");
    }
}
