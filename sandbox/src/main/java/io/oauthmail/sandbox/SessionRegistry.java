package io.oauthmail.sandbox;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The sandbox's sessions, as Keycloak keeps them: every login (authorization code or device code) starts a
 * refresh-token family; each refresh spends the presented token and makes the new one current. Presenting a
 * spent token is reuse: with {@link RefreshTokenReuse#ENDS_SESSION} the whole family ends, so its current
 * refresh token is refused too and every access token it ever issued is refused by the mail servers.
 *
 * <p>Tokens are kept only in memory, never logged; access tokens are known by their {@code jti}.
 */
final class SessionRegistry {

    /** Keycloak's words when a spent refresh token comes back (realm setting revokeRefreshToken, reuse 0). */
    static final String REUSE_EXCEEDED = "Maximum allowed refresh token reuse exceeded";
    /** Keycloak's words for a refresh token whose session was ended by an administrator or the user. */
    static final String SESSION_NOT_ACTIVE = "Session not active";

    /** What the token endpoint should do with a presented refresh token. */
    record Check(boolean refuse, String description) {
        static final Check PASS = new Check(false, null);

        static Check refuse(String description) {
            return new Check(true, description);
        }
    }

    private static final class Family {
        final String user;
        String current;
        String endedBecause;

        Family(String user) {
            this.user = user;
        }
    }

    private final RefreshTokenReuse reuse;
    /** Every refresh token a family ever had, spent or current. */
    private final Map<String, Family> byRefreshToken = new HashMap<>();
    private final Map<String, Family> byAccessTokenId = new HashMap<>();

    SessionRegistry(RefreshTokenReuse reuse) {
        this.reuse = reuse;
    }

    /** A login's token response: a new family, unless the refresh token is already known. */
    synchronized void started(String user, String refreshToken, String accessTokenId) {
        if (refreshToken == null || byRefreshToken.containsKey(refreshToken)) {
            return;
        }
        Family family = new Family(user == null ? null : user.toLowerCase(Locale.ROOT));
        family.current = refreshToken;
        byRefreshToken.put(refreshToken, family);
        addAccessToken(family, accessTokenId);
    }

    /**
     * A refresh request is about to be processed. A current token is spent here, before the request runs, so
     * that of two concurrent requests with the same token the second is a reuse, as at a real provider.
     * Tokens of no family (not issued through the front) are left to mock-oauth2-server.
     */
    synchronized Check present(String refreshToken) {
        Family family = refreshToken == null ? null : byRefreshToken.get(refreshToken);
        if (family == null) {
            return Check.PASS;
        }
        if (family.endedBecause != null) {
            return Check.refuse(family.endedBecause);
        }
        if (refreshToken.equals(family.current)) {
            family.current = null;
            return Check.PASS;
        }
        if (reuse == RefreshTokenReuse.REFUSES_TOKEN_ONLY) {
            return Check.PASS; // mock-oauth2-server refuses the spent token itself and forgives the session
        }
        family.endedBecause = REUSE_EXCEEDED;
        return Check.refuse(REUSE_EXCEEDED);
    }

    /** A refresh succeeded: the new refresh token is current and the new access token belongs to the family. */
    synchronized void rotated(String spent, String fresh, String accessTokenId) {
        Family family = spent == null ? null : byRefreshToken.get(spent);
        if (family == null) {
            return;
        }
        if (fresh != null && !fresh.equals(spent)) {
            family.current = fresh;
            byRefreshToken.put(fresh, family);
        } else {
            family.current = spent; // not rotated: the same token stays good
        }
        addAccessToken(family, accessTokenId);
    }

    /** Whether the access token with this {@code jti} belongs to an ended session. */
    synchronized boolean ended(String accessTokenId) {
        Family family = accessTokenId == null ? null : byAccessTokenId.get(accessTokenId);
        return family != null && family.endedBecause != null;
    }

    /** Ends every session of {@code user} (matched on e-mail or subject, in any case); how many were live. */
    synchronized int endSessions(String user) {
        String wanted = user.toLowerCase(Locale.ROOT);
        Set<Family> ended = new HashSet<>();
        for (Family family : byRefreshToken.values()) {
            if (family.endedBecause == null && wanted.equals(family.user)) {
                family.endedBecause = SESSION_NOT_ACTIVE;
                ended.add(family);
            }
        }
        return ended.size();
    }

    /** A client revoked a refresh token (RFC 7009): its grant ends, as at Google and Keycloak. */
    synchronized void revoked(String refreshToken) {
        Family family = refreshToken == null ? null : byRefreshToken.get(refreshToken);
        if (family != null && family.endedBecause == null) {
            family.endedBecause = SESSION_NOT_ACTIVE;
        }
    }

    private void addAccessToken(Family family, String accessTokenId) {
        if (accessTokenId != null) {
            byAccessTokenId.put(accessTokenId, family);
        }
    }
}
