package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Why the login upstream failed, told to the client in the one distinction it acts on. <em>Permanent</em>: the
 * grant is gone, or the server refuses even a token refreshed a moment ago; only {@code oauthmail login} fixes it,
 * so the client must stop retrying and ask its user (IMAP {@code AUTHENTICATIONFAILED}, SMTP {@code 535}, POP3
 * {@code [AUTH]}), and the text is short and ends with that command, which a client may cut off otherwise.
 * <em>Temporary</em>: the server or the token endpoint cannot be reached now; retrying later is right (IMAP
 * {@code UNAVAILABLE}, SMTP {@code 454}, POP3 {@code [SYS/TEMP]}). Texts never carry a token: reasons from
 * servers go through {@link Upstream#reason}.
 *
 * <p>Plain values, no I/O: any session (blocking or not) classifies the exception its upstream login threw and
 * writes the line for its protocol.
 */
record UpstreamFailure(Kind kind, String text) {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamFailure.class);

    /**
     * A refusal a server itself marks as passing (SMTP 4xx, IMAP {@code [UNAVAILABLE]}, POP3 {@code [SYS/TEMP]} or
     * {@code [IN-USE]}): a busy server is not a lost grant, even after the forced refresh.
     */
    private static final Pattern TEMPORARY_REFUSAL = Pattern.compile(
            "(?i)^\\s*4\\d\\d\\b.*|.*\\[(UNAVAILABLE|SYS/TEMP|IN-USE|INUSE)].*");

    enum Kind {
        /** The refresh token was refused (invalid_grant, ended session) or none is stored. */
        GRANT_LOST(true),
        /** The server refused the token even after a forced refresh: wrong scope, mail access off, account disabled. */
        TOKEN_REFUSED(true),
        /** The server refused the login, saying it is for now. */
        REFUSED_FOR_NOW(false),
        /** No fresh token can be had now: the token endpoint is down, slow or answering 5xx/429. */
        NO_TOKEN_FOR_NOW(false),
        /** The mail server cannot be reached, or broke off the dialogue. */
        UNREACHABLE(false);

        private final boolean permanent;

        Kind(boolean permanent) {
            this.permanent = permanent;
        }

        boolean permanent() {
            return permanent;
        }
    }

    /**
     * Classifies what {@link Upstream#login} threw for {@code account} ({@code server} names the server in the
     * text, e.g. "the IMAP server"), and logs the whole reason once for the daemon's owner: the login's line, as
     * a successful one has it, with the client's address and the protocol.
     */
    static UpstreamFailure of(Account account, String server, Exception e, java.net.InetAddress from, String protocol) {
        UpstreamFailure failure = classify(account, server, e);
        String lasting = failure.kind().permanent() ? "permanent" : "temporary";
        LOG.atWarn().addKeyValue("event", "proxy_login").addKeyValue("account", account.name())
                .addKeyValue("protocol", protocol).addKeyValue("client", from.getHostAddress())
                .addKeyValue("outcome", "upstream_failed").addKeyValue("failure", lasting)
                .log("proxy login: {} from {} ({}) failed at {} ({}): {}", account.name(), from.getHostAddress(), protocol,
                        server, lasting, Upstream.masked(e));
        return failure;
    }

    static UpstreamFailure classify(Account account, String server, Exception e) {
        String fix = "; run: " + account.loginCommand();
        if (e instanceof ReauthorizationRequired) {
            return new UpstreamFailure(Kind.GRANT_LOST, account.name() + " needs to be authorized again" + fix);
        }
        if (e instanceof TokenRefused) {
            if (TEMPORARY_REFUSAL.matcher(String.valueOf(e.getMessage())).matches()) {
                return new UpstreamFailure(Kind.REFUSED_FOR_NOW, server + " refused the login for now: " + Upstream.reason(e));
            }
            return new UpstreamFailure(Kind.TOKEN_REFUSED, server + " refused " + account.name() + "'s token after a refresh" + fix);
        }
        if (e instanceof TemporaryFailure) {
            return new UpstreamFailure(Kind.NO_TOKEN_FOR_NOW, "no token for " + account.name() + " for now: " + Upstream.reason(e));
        }
        return new UpstreamFailure(Kind.UNREACHABLE, "cannot reach " + server + " for now: " + Upstream.reason(e));
    }

    /** The tagged IMAP reply (RFC 5530 response codes). */
    String imap(String tag) {
        return tag + (kind.permanent() ? " NO [AUTHENTICATIONFAILED] " : " NO [UNAVAILABLE] ") + text;
    }

    /** The SMTP reply: RFC 4954's 535 5.7.8 (credentials invalid) or 454 (temporary), 4.4.0 when unreachable. */
    String smtp() {
        return switch (kind) {
            case GRANT_LOST, TOKEN_REFUSED -> "535 5.7.8 " + text;
            case REFUSED_FOR_NOW, NO_TOKEN_FOR_NOW -> "454 4.7.0 " + text;
            case UNREACHABLE -> "454 4.4.0 " + text;
        };
    }

    /** The POP3 reply (RFC 3206 response codes). */
    String pop3() {
        return (kind.permanent() ? "-ERR [AUTH] " : "-ERR [SYS/TEMP] ") + text;
    }
}
