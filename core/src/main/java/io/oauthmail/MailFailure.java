package io.oauthmail;

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

    public MailFailure(String message, String hint, Throwable cause) {
        super(message, hint, cause);
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
