package io.oauthmail.server.proxy;

/**
 * What the proxy tells its owner as sessions come and go, for the daemon's metrics. Called on event loops and
 * login workers: implementations only count, never block. {@code protocol} is {@code smtp}, {@code imap} or
 * {@code pop3}; nothing here carries a name, a password or a token.
 */
public interface ProxyEvents {

    /** A client connected (and got a session: one turned away for too many connections does not count). */
    void sessionOpened(String protocol);

    /** That client's connection closed, logged in or not. */
    void sessionClosed(String protocol);

    /** A local login was right and the upstream login succeeded. */
    void loggedIn(String protocol);

    /** A local login was refused: an unknown name or a wrong password. */
    void loginRefused(String protocol);

    /** The local login was right but the upstream login failed with {@code failure}. */
    void upstreamFailed(String protocol, Exception failure);

    /** {@code bytes} went through the relay, to the server or to the client. */
    void relayed(String protocol, boolean toServer, long bytes);

    /** Counts nothing: for proxies run without a daemon (tests, a program embedding one). */
    ProxyEvents NONE = new ProxyEvents() {
        @Override
        public void sessionOpened(String protocol) {
        }

        @Override
        public void sessionClosed(String protocol) {
        }

        @Override
        public void loggedIn(String protocol) {
        }

        @Override
        public void loginRefused(String protocol) {
        }

        @Override
        public void upstreamFailed(String protocol, Exception failure) {
        }

        @Override
        public void relayed(String protocol, boolean toServer, long bytes) {
        }
    };
}
