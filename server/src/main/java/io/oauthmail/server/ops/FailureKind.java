package io.oauthmail.server.ops;

import io.oauthmail.error.AuthorizationFailed;
import io.oauthmail.error.MailFailure;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import java.util.Locale;

/**
 * The kinds of failure the metrics count, after core's error kinds ({@code io.oauthmail.error}): a closed set, so
 * the {@code kind} label has a handful of values whatever fails.
 */
public enum FailureKind {
    /** The token endpoint or a server could not be reached or answered 5xx/429: it may work later. */
    TEMPORARY,
    /** The grant is lost: only a new {@code oauthmail login} helps. */
    REAUTHORIZATION_REQUIRED,
    /** An authorization (a login flow, a token request) was refused. */
    AUTHORIZATION_FAILED,
    /** A mail server refused or broke off. */
    MAIL,
    /** Anything else (a damaged store, a bug). */
    OTHER;

    /** The kind of {@code failure}, or of its first cause that has one (a proxy's I/O failure wrapping a token refusal). */
    public static FailureKind of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TemporaryFailure) {
                return TEMPORARY;
            }
            if (t instanceof ReauthorizationRequired) {
                return REAUTHORIZATION_REQUIRED;
            }
            if (t instanceof AuthorizationFailed) {
                return AUTHORIZATION_FAILED;
            }
            if (t instanceof MailFailure) {
                return MAIL;
            }
            if (t instanceof OAuthMailException) {
                return OTHER;
            }
            if (t instanceof java.io.IOException) {
                return TEMPORARY; // an upstream that cannot be reached now, or broke off: the proxy tells the client to retry
            }
        }
        return OTHER;
    }

    /** As the label shows it, e.g. {@code reauthorization_required}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
