package io.oauthmail.server.proxy;

import io.oauthmail.provider.MailServer;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One proxy listener's settings.
 *
 * @param name           how messages name it, e.g. {@code --listen imap=0.0.0.0:1143} or {@code listener[2]}
 * @param address        where it listens; anything but loopback needs local TLS
 * @param tls            how it secures its clients
 * @param upstream       the one server every login goes to; empty for each account's own server
 * @param maxConnections the most clients at once; the next is told to come back later
 * @param events         told of sessions, logins and bytes relayed (the daemon's metrics)
 */
record ListenerOptions(String name, InetSocketAddress address, LocalTls tls, Optional<MailServer> upstream,
        int maxConnections, ProxyEvents events) {

    public ListenerOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(events, "events");
    }

    /** Counting nothing. */
    public ListenerOptions(String name, InetSocketAddress address, LocalTls tls, Optional<MailServer> upstream,
            int maxConnections) {
        this(name, address, tls, upstream, maxConnections, ProxyEvents.NONE);
    }

    /** The same listener, telling {@code newEvents} what happens on it. */
    public ListenerOptions withEvents(ProxyEvents newEvents) {
        return new ListenerOptions(name, address, tls, upstream, maxConnections, newEvents);
    }

    /** Plain, on a loopback {@code address}, to each account's own server. */
    public static ListenerOptions plain(InetSocketAddress address, int maxConnections) {
        return new ListenerOptions("proxy on " + address, address, LocalTls.none(), Optional.empty(), maxConnections);
    }
}
