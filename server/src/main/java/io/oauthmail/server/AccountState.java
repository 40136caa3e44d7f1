package io.oauthmail.server;

import io.oauthmail.token.TokenState;
import java.time.Instant;

/**
 * What the daemon knows of one account, for {@code oauthmail status}.
 *
 * @param state       a value of the one vocabulary {@link TokenState} that {@code oauthmail accounts} speaks too (the
 *                    refresher uses {@code OK}, {@code RETRYING}, {@code NEEDS_LOGIN} and {@code STARTING})
 * @param expiresAt   when the current access token expires, or null
 * @param nextRefresh when the next refresh is planned, or null when none is (needs a login)
 * @param message     the last error or warning, or null
 */
record AccountState(String account, TokenState state, Instant expiresAt, Instant nextRefresh, String message) {
}
