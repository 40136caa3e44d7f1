package io.oauthmail.server.proxy;

/** A running SMTP, IMAP or POP3 proxy listener, as {@code oauthmail serve} starts, reloads and stops them. */
public interface Proxy extends AutoCloseable {

    /** The port it listens on (the one asked for, or the free one found for port 0). */
    int port();

    /**
     * Takes no new clients; open sessions go on until they end, then the proxy closes itself. For a reload, which
     * starts new listeners.
     */
    void stopAccepting();

    /** Takes no new clients and ends every open session. */
    @Override
    void close();
}
