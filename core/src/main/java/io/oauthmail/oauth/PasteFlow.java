package io.oauthmail.oauth;

import io.oauthmail.account.Account;
import io.oauthmail.error.AuthorizationFailed;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * Login on a host without a browser (a server over SSH), and the only Gmail way there, since Google's device
 * flow refuses mail scopes: the person opens the URL on any machine, logs in, and the browser is sent to
 * {@code http://127.0.0.1:PORT/...}, a page that will not load on their laptop. The address in the address
 * bar still carries the code and state: they paste it back here, {@code state} is checked, the code exchanged.
 */
public final class PasteFlow {

    private final Account account;
    private final AuthorizationCodeLogin login;

    /** {@code port} 0 picks a random high port for the redirect URI (nothing listens on it). */
    public PasteFlow(Account account, Clock clock, int port) {
        this.account = account;
        int redirectPort = port != 0 ? port : 20000 + new SecureRandom().nextInt(40000);
        this.login = new AuthorizationCodeLogin(account, clock,
                URI.create("http://127.0.0.1:" + redirectPort + CallbackListener.PATH));
    }

    public URI authorizationUrl() {
        return login.authorizationUrl();
    }

    /** Completes the login from the address the browser was redirected to (the whole URL, or its query). */
    public Authorization complete(String pasted) {
        String text = pasted == null ? "" : pasted.strip();
        int query = text.indexOf('?');
        if (text.isEmpty() || (query < 0 && !text.contains("="))) {
            throw new AuthorizationFailed("account " + account.name()
                    + ": that is not the address the browser was sent to (it has no ?code=...&state=...)",
                    "copy the whole address from the browser's address bar after logging in, then run "
                            + account.loginCommand() + " --flow paste again");
        }
        return login.complete(QueryParameters.parse(query >= 0 ? text.substring(query + 1) : text));
    }
}
