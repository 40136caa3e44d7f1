package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import io.oauthmail.mail.TlsTrust;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;

/**
 * The upstream side every proxy protocol shares: a fresh token, verified TLS (one socket factory per CA:
 * building one copies the trust store), and one forced refresh when the server refuses the token.
 */
final class Upstream {

    /** A protocol's login with one token over TLS; throws {@link TokenRefused} when the token is refused. */
    interface Login {
        Socket with(String token, SSLSocketFactory tls) throws IOException;
    }

    private final TokenManager tokens;
    private final Map<Optional<Path>, SSLSocketFactory> tls = new ConcurrentHashMap<>();
    private final AtomicInteger logins = new AtomicInteger();

    Upstream(TokenManager tokens) {
        this.tokens = tokens;
    }

    Socket login(Account account, Login login) throws IOException {
        String token = tokens.accessToken(account);
        SSLSocketFactory factory = tls.computeIfAbsent(account.ca(), ca -> TlsTrust.socketFactory(ca.orElse(null)));
        Socket socket;
        try {
            socket = login.with(token, factory);
        } catch (TokenRefused refused) {
            socket = login.with(tokens.tokenAfterRejection(account, token), factory);
        }
        logins.incrementAndGet();
        return socket;
    }

    int logins() {
        return logins.get();
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
