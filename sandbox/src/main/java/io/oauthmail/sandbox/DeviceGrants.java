package io.oauthmail.sandbox;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationGrantError;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The sandbox's memory of device authorizations (RFC 8628): which device code goes with which user code,
 * whether the person approved or denied it, when the device last polled. Time comes from an injected
 * {@link Clock}, so tests can let a code expire or a device poll too early without waiting.
 */
final class DeviceGrants {

    /** RFC 8628 6.1: 20 consonants, no vowels (no words), no look-alikes such as 0/O or 1/I. */
    private static final String USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
    /**
     * Client IDs ending in this are registered as requiring PKCE on the device grant, like a Keycloak client with
     * PKCE S256 enforced: the device request must carry an S256 challenge, and each poll the matching verifier.
     * Any other client may send PKCE or not; if it sent a challenge, its polls are checked (as Keycloak does).
     */
    static final String PKCE_REQUIRED_SUFFIX = "-pkce";
    /** RFC 8628 3.5: a client told to slow down adds five seconds to its interval; so does this server. */
    private static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);

    /** What the device authorization endpoint hands out. */
    record Issued(String deviceCode, String userCode, Duration lifetime, Duration interval) {
        @Override
        public String toString() {
            return "Issued[deviceCode=<redacted>, userCode=" + userCode + "]";
        }
    }

    /** The request a person sees on the verification page. */
    record Request(String clientId, String scope) {
    }

    /** What a poll of the token endpoint gets: the tokens (a token response in JSON) or an OAuth error. */
    record Poll(String tokenResponse, ErrorObject error) {
        static Poll refused(ErrorObject error) {
            return new Poll(null, error);
        }

        @Override
        public String toString() {
            return tokenResponse != null ? "Poll[tokens=<redacted>]" : "Poll[error=" + error.getCode() + "]";
        }
    }

    /** What the person did on the verification page. */
    enum Decision { APPROVED, DENIED, UNKNOWN_CODE, EXPIRED, ALREADY_DECIDED }

    private enum Status { PENDING, APPROVED, DENIED, REDEEMED }

    private static final class Grant {
        final String clientId;
        final String scope;
        final String userCode;
        final String codeChallenge;
        final Instant expiresAt;
        Duration interval;
        Instant lastPoll;
        Status status = Status.PENDING;
        String tokenResponse;

        Grant(String clientId, String scope, String userCode, String codeChallenge, Instant issuedAt, Duration lifetime,
                Duration interval) {
            this.clientId = clientId;
            this.scope = scope;
            this.userCode = userCode;
            this.codeChallenge = codeChallenge;
            this.expiresAt = issuedAt.plus(lifetime);
            this.interval = interval;
            // Issuance counts as the first contact: a poll sooner than one interval after it is too fast.
            this.lastPoll = issuedAt;
        }
    }

    private final Clock clock;
    private final Duration lifetime;
    private final Duration interval;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Grant> byDeviceCode = new HashMap<>();
    private final Map<String, String> deviceCodeByUserCode = new HashMap<>();

    DeviceGrants(Clock clock, Duration lifetime, Duration interval) {
        this.clock = clock;
        this.lifetime = lifetime;
        this.interval = interval;
    }

    /**
     * Keycloak's answers to a device request without the PKCE its client requires, or with another method than
     * S256; empty when the request may be issued.
     */
    static Optional<ErrorObject> pkceRefusal(String clientId, String codeChallenge, String method) {
        if (codeChallenge == null && method == null && !clientId.endsWith(PKCE_REQUIRED_SUFFIX)) {
            return Optional.empty();
        }
        if (method == null) {
            return Optional.of(OAuth2Error.INVALID_REQUEST.setDescription("Missing parameter: code_challenge_method"));
        }
        if (!"S256".equals(method)) {
            return Optional.of(OAuth2Error.INVALID_REQUEST.setDescription("Invalid parameter: code_challenge_method"));
        }
        return codeChallenge == null
                ? Optional.of(OAuth2Error.INVALID_REQUEST.setDescription("Missing parameter: code_challenge"))
                : Optional.empty();
    }

    /** Issues a device code; {@code codeChallenge} (S256, checked by {@link #pkceRefusal}) or null. */
    synchronized Issued issue(String clientId, String scope, String codeChallenge) {
        String deviceCode = randomDeviceCode();
        String userCode;
        do {
            userCode = randomUserCode();
        } while (deviceCodeByUserCode.containsKey(userCode));
        byDeviceCode.put(deviceCode, new Grant(clientId, scope, userCode, codeChallenge, clock.instant(), lifetime, interval));
        deviceCodeByUserCode.put(userCode, deviceCode);
        return new Issued(deviceCode, display(userCode), lifetime, interval);
    }

    /** The pending request behind {@code userCode} as typed by a person (any case, with or without the dash). */
    synchronized Optional<Request> pending(String userCode) {
        Grant grant = byUserCode(userCode);
        return grant == null || grant.status != Status.PENDING || expired(grant)
                ? Optional.empty() : Optional.of(new Request(grant.clientId, grant.scope));
    }

    /**
     * Records the person's approval together with the token response their login produced. The login runs
     * before this call, outside the lock, because it is HTTP to this same server.
     */
    synchronized Decision approve(String userCode, String tokenResponse) {
        Decision check = refusal(userCode);
        if (check == null) {
            Grant grant = byUserCode(userCode);
            grant.status = Status.APPROVED;
            grant.tokenResponse = tokenResponse;
            return Decision.APPROVED;
        }
        return check;
    }

    synchronized Decision deny(String userCode) {
        Decision check = refusal(userCode);
        if (check == null) {
            byUserCode(userCode).status = Status.DENIED;
            return Decision.DENIED;
        }
        return check;
    }

    /** The token endpoint's answer to a device-code poll (RFC 8628 3.4 and 3.5). */
    synchronized Poll poll(String deviceCode, String clientId, String codeVerifier) {
        Grant grant = deviceCode == null ? null : byDeviceCode.get(deviceCode);
        if (grant == null || !grant.clientId.equals(clientId)) {
            // A device code is bound to the client it was issued to (RFC 8628 3.4).
            return Poll.refused(OAuth2Error.INVALID_GRANT.setDescription("unknown device code for this client"));
        }
        if (grant.codeChallenge != null && !verifies(grant.codeChallenge, codeVerifier)) {
            return Poll.refused(OAuth2Error.INVALID_GRANT.setDescription(codeVerifier == null
                    ? "PKCE code verifier not specified" : "PKCE verification failed: Invalid code verifier"));
        }
        Instant now = clock.instant();
        if (expired(grant)) {
            return Poll.refused(DeviceAuthorizationGrantError.EXPIRED_TOKEN);
        }
        if (grant.status == Status.REDEEMED) {
            return Poll.refused(OAuth2Error.INVALID_GRANT.setDescription("the device code was already used"));
        }
        boolean tooSoon = now.isBefore(grant.lastPoll.plus(grant.interval));
        grant.lastPoll = now;
        if (tooSoon) {
            grant.interval = grant.interval.plus(SLOW_DOWN_STEP);
            return Poll.refused(DeviceAuthorizationGrantError.SLOW_DOWN);
        }
        switch (grant.status) {
            case DENIED:
                return Poll.refused(OAuth2Error.ACCESS_DENIED);
            case APPROVED:
                grant.status = Status.REDEEMED;
                String tokens = grant.tokenResponse;
                grant.tokenResponse = null;
                return new Poll(tokens, null);
            default:
                return Poll.refused(DeviceAuthorizationGrantError.AUTHORIZATION_PENDING);
        }
    }

    /** RFC 7636 4.6: BASE64URL(SHA256(verifier)) equals the challenge. */
    private static boolean verifies(String challenge, String verifier) {
        return verifier != null && CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(verifier)).getValue()
                .equals(challenge);
    }

    /** Null when the code can still be decided on, else why not. */
    synchronized Decision refusal(String userCode) {
        Grant grant = byUserCode(userCode);
        if (grant == null) {
            return Decision.UNKNOWN_CODE;
        }
        if (expired(grant)) {
            return Decision.EXPIRED;
        }
        return grant.status == Status.PENDING ? null : Decision.ALREADY_DECIDED;
    }

    private boolean expired(Grant grant) {
        return !clock.instant().isBefore(grant.expiresAt);
    }

    private Grant byUserCode(String typed) {
        String deviceCode = typed == null ? null : deviceCodeByUserCode.get(normalize(typed));
        return deviceCode == null ? null : byDeviceCode.get(deviceCode);
    }

    /** People type codes in lower case and forget the dash: both are accepted (RFC 8628 6.1). */
    static String normalize(String typed) {
        return typed.toUpperCase(Locale.ROOT).replaceAll("[^A-Z]", "");
    }

    private static String display(String userCode) {
        return userCode.substring(0, 4) + "-" + userCode.substring(4);
    }

    private String randomUserCode() {
        StringBuilder code = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            code.append(USER_CODE_ALPHABET.charAt(random.nextInt(USER_CODE_ALPHABET.length())));
        }
        return code.toString();
    }

    private String randomDeviceCode() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
