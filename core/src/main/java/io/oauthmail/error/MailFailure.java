package io.oauthmail.error;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * A mail server refused or failed an operation (authentication, sending, reading). The message carries the
 * server's reply, decoded where the provider encodes it, never the token.
 */
public final class MailFailure extends OAuthMailException {

    private static final long serialVersionUID = 1L;

    private final boolean beforeSending;

    public MailFailure(String message, String hint, Throwable cause) {
        this(message, hint, cause, false);
    }

    private MailFailure(String message, String hint, Throwable cause, boolean beforeSending) {
        super(message, hint, cause);
        this.beforeSending = beforeSending;
    }

    /** This failure, marked as having come while connecting or logging in (see {@link #beforeSending()}). */
    public MailFailure whileConnecting() {
        MailFailure marked = new MailFailure(getMessage(), hint().orElse(null), getCause(), true);
        marked.setStackTrace(getStackTrace());
        return marked;
    }

    /**
     * True when the failure came while connecting or logging in, before any of the message went out: sending
     * it again cannot deliver it twice, and the next messages over the same account would meet the same
     * failure, so a bulk send stops here instead of failing every remaining recipient one by one.
     */
    public boolean beforeSending() {
        return beforeSending;
    }

    /**
     * True when the server could not be reached (connection refused, unknown host, no route, a connect
     * timeout): trouble of the network or the server's address, not a refusal, so trying again later, or after
     * fixing the address, may work. The CLI exits with its temporary/network code for these. A read timeout in
     * the middle of a send is not counted: the server may have the message already, and a script that retries
     * on that code would send it twice.
     */
    public boolean networkTrouble() {
        for (Throwable t = getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t instanceof SocketTimeoutException timeout && timeout.getMessage() != null
                    && timeout.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connect")) {
                return true;
            }
        }
        return false;
    }
}
