package io.oauthmail.server;

import java.time.Instant;

/**
 * What the daemon knows of one account, for {@code oauthmail status}.
 *
 * @param status      {@code ok}, {@code retrying}, {@code needs-login} or {@code not-logged-in}
 * @param expiresAt   when the current access token expires, or null
 * @param nextRefresh when the next refresh is planned, or null when none is (needs a login)
 * @param message     the last error or warning, or null
 */
public record AccountState(String account, String status, Instant expiresAt, Instant nextRefresh, String message) {
}
