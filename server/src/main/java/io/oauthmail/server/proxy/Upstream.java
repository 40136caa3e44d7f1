package io.oauthmail.server.proxy;

import io.netty.handler.ssl.SslContext;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.mail.TlsTrust;
import io.oauthmail.mail.TraceRedactor;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The upstream side every proxy protocol shares: a fresh token, verified TLS (one context per CA:
 * building one copies the trust store), and one forced refresh when the server refuses the token.
 */
final class Upstream {

    /** A protocol's login with one token over TLS; throws {@link TokenRefused} when the token is refused. */
    interface Login {
        UpstreamLink with(String token, SslContext tls) throws IOException;
    }

    /** Base64 or base64url this long is a secret or noise, never something a person needs to read. */
    private static final Pattern LONG_SECRET = Pattern.compile("[A-Za-z0-9+/_.-]{40,}={0,2}");
    private static final int MAX_REASON = 200;

    private final TokenManager tokens;
    private final Map<Optional<Path>, SslContext> tls = new ConcurrentHashMap<>();
    private final AtomicInteger logins = new AtomicInteger();

    Upstream(TokenManager tokens) {
        this.tokens = tokens;
    }

    UpstreamLink login(Account account, Login login) throws IOException {
        TokenSet current = tokens.validTokens(account);
        String token = current.accessToken();
        SslContext factory = tls.computeIfAbsent(account.ca(), ca -> ProxyTls.client(TlsTrust.trustManager(ca.orElse(null))));
        UpstreamLink link;
        try {
            link = login.with(token, factory);
        } catch (TokenRefused refused) {
            token = tokens.tokenAfterRejection(account, token);
            link = login.with(token, factory);
        }
        String used = token;
        link.tokenRefreshDue(tokens.peek(account).filter(stored -> stored.accessToken().equals(used))
                .map(stored -> stored.refreshDueAt(tokens.margin())).orElse(null));
        logins.incrementAndGet();
        return link;
    }

    int logins() {
        return logins.get();
    }

    /**
     * Why a login failed, safe to show the client: the text comes from servers and libraries, and a server that
     * echoes a command back would echo the token in it. Tokens and SASL strings (and any long base64 or JWT run)
     * are masked, control characters (a CRLF would inject a protocol line) become spaces, and the length is capped.
     */
    static String reason(Exception e) {
        String masked = masked(e);
        return masked.length() > MAX_REASON ? masked.substring(0, MAX_REASON) + "..." : masked;
    }

    /** {@link #reason} without the cap: for the daemon's log, which has room for the whole explanation. */
    static String masked(Exception e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return LONG_SECRET.matcher(new TraceRedactor().redact(message.replaceAll("\\p{Cntrl}", " ")))
                .replaceAll("<redacted>");
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
