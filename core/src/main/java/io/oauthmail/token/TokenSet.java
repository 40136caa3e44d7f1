package io.oauthmail.token;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an authorization gives: the access token and when it expires, the refresh token and when it was
 * issued (Google's "Testing" apps lose it seven days later; Microsoft's dies after 90 days unused), and
 * the granted scopes. {@link #toString()} never shows a token.
 */
public record TokenSet(String accessToken, Instant expiresAt, String refreshToken, Instant refreshTokenIssuedAt,
        List<String> scopes, String idToken) {

    public TokenSet {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(expiresAt, "expiresAt");
        // Whole seconds: what providers state (expires_in) and what stores keep, so a reload compares equal.
        expiresAt = expiresAt.truncatedTo(ChronoUnit.SECONDS);
        refreshTokenIssuedAt = refreshTokenIssuedAt == null ? null : refreshTokenIssuedAt.truncatedTo(ChronoUnit.SECONDS);
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }

    public Optional<String> refresh() {
        return Optional.ofNullable(refreshToken);
    }

    /** True if the access token has expired at {@code now} or will within {@code margin}. */
    public boolean expiresWithin(Duration margin, Instant now) {
        return !expiresAt.isAfter(now.plus(margin));
    }

    /** The same tokens with another expiry: e.g. to mark the access token as expired. */
    public TokenSet withExpiresAt(Instant when) {
        return new TokenSet(accessToken, when, refreshToken, refreshTokenIssuedAt, scopes, idToken);
    }

    /**
     * The tokens after a refresh: a new access token, and the new refresh token when the provider rotated
     * it (Microsoft always does), else the old one with its original issue time.
     */
    public TokenSet refreshedWith(TokenSet response, Instant now) {
        boolean rotated = response.refreshToken != null && !response.refreshToken.equals(refreshToken);
        return new TokenSet(response.accessToken, response.expiresAt,
                rotated ? response.refreshToken : refreshToken,
                rotated ? now : refreshTokenIssuedAt,
                response.scopes.isEmpty() ? scopes : response.scopes,
                response.idToken != null ? response.idToken : idToken);
    }

    @Override
    public String toString() {
        return "TokenSet[access=<redacted>, expiresAt=" + expiresAt + ", refresh="
                + (refreshToken != null ? "<redacted>" : "none") + ", scopes=" + scopes + "]";
    }
}
