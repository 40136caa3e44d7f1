package io.oauthmail.account;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an authorization gives: the access token, when it was obtained and when it expires, the refresh token
 * and when it was issued (Google's "Testing" apps lose it seven days later; Microsoft's dies after 90 days
 * unused), and the granted scopes. {@link #toString()} never shows a token.
 *
 * <p><b>When a token is due for refresh.</b> A fixed margin (five minutes before expiry) is wrong for providers
 * whose tokens live five minutes or less (Keycloak's default, Okta's and Auth0's short tokens): every token
 * would be "about to expire" from the moment it is issued, and every call would refresh. So the margin adapts
 * to the token's own lifetime L: a quarter of it, at least {@link #MARGIN_FLOOR} (but never more than half of
 * L), and never more than the configured maximum. 60 s tokens are refreshed 15 s before expiry, 300 s tokens
 * 75 s before, hour-long ones 5 minutes before (the default maximum). A token whose lifetime is unknown (stored
 * by an older version) gets the maximum, once: its refresh records the lifetime.
 */
public record TokenSet(String accessToken, Instant expiresAt, String refreshToken, Instant refreshTokenIssuedAt,
        List<String> scopes, String idToken, Instant obtainedAt) {

    /** The smallest margin for tokens living at least twice as long: room for a slow token endpoint. */
    public static final Duration MARGIN_FLOOR = Duration.ofSeconds(10);

    public TokenSet {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(expiresAt, "expiresAt");
        // Whole seconds: what providers state (expires_in) and what stores keep, so a reload compares equal.
        expiresAt = expiresAt.truncatedTo(ChronoUnit.SECONDS);
        refreshTokenIssuedAt = refreshTokenIssuedAt == null ? null : refreshTokenIssuedAt.truncatedTo(ChronoUnit.SECONDS);
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        obtainedAt = obtainedAt == null || !obtainedAt.isBefore(expiresAt) ? null : obtainedAt.truncatedTo(ChronoUnit.SECONDS);
    }

    /** Without the time the access token was obtained (its lifetime is then unknown). */
    public TokenSet(String accessToken, Instant expiresAt, String refreshToken, Instant refreshTokenIssuedAt,
            List<String> scopes, String idToken) {
        this(accessToken, expiresAt, refreshToken, refreshTokenIssuedAt, scopes, idToken, null);
    }

    /** How long the access token was issued for, when known. */
    public Optional<Duration> lifetime() {
        // No lambda and, below, no Duration.dividedBy (BigDecimal): both cost `oauthmail token` milliseconds of
        // class initialisation on every cold start, measured 13 ms for the division alone.
        return obtainedAt == null ? Optional.empty() : Optional.of(Duration.between(obtainedAt, expiresAt));
    }

    /**
     * How long before expiry this token is due for refresh: a quarter of its lifetime, at least
     * {@link #MARGIN_FLOOR} or half the lifetime if that is less, at most {@code maxMargin}.
     */
    public Duration refreshMargin(Duration maxMargin) {
        Duration life = lifetime().orElse(null);
        if (life == null) {
            return maxMargin;
        }
        long lifeSeconds = life.getSeconds(); // stored instants are whole seconds
        Duration quarter = Duration.ofSeconds(lifeSeconds / 4);
        Duration floor = min(MARGIN_FLOOR, Duration.ofSeconds(lifeSeconds / 2));
        Duration margin = quarter.compareTo(floor) < 0 ? floor : quarter;
        return min(margin, maxMargin);
    }

    /** When this token becomes due for refresh (see {@link #refreshMargin}). */
    public Instant refreshDueAt(Duration maxMargin) {
        return expiresAt.minus(refreshMargin(maxMargin));
    }

    /** True if the token is due for refresh at {@code now}: the margin rule above, never earlier. */
    public boolean needsRefresh(Duration maxMargin, Instant now) {
        return !now.isBefore(refreshDueAt(maxMargin));
    }

    /** True if the access token can still be used at {@code now} (it has not expired, whatever the margin). */
    public boolean usableAt(Instant now) {
        return expiresAt.isAfter(now);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    public Optional<String> refresh() {
        return Optional.ofNullable(refreshToken);
    }

    /**
     * The same tokens expiring at {@code when}, with the same lifetime (as if obtained that long before): e.g. to
     * mark the access token as expired.
     */
    public TokenSet withExpiresAt(Instant when) {
        Instant obtained = lifetime().map(when::minus).orElse(null);
        return new TokenSet(accessToken, when, refreshToken, refreshTokenIssuedAt, scopes, idToken, obtained);
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
                response.idToken != null ? response.idToken : idToken, response.obtainedAt);
    }

    @Override
    public String toString() {
        return "TokenSet[access=<redacted>, expiresAt=" + expiresAt + ", refresh="
                + (refreshToken != null ? "<redacted>" : "none") + ", scopes=" + scopes + "]";
    }
}
