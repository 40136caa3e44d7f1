package io.oauthmail.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.AuthorizationFailed;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Objects;

/**
 * A Google Workspace service account with domain-wide delegation, acting for one user of the domain: the
 * JWT bearer grant (RFC 7523). oauthmail signs an assertion with the service account's private key
 * ({@code iss} the service account, {@code sub} the user, {@code aud} the token endpoint, {@code scope} the
 * account's scopes, valid for one hour at most) and trades it for an access token. There is no refresh
 * token: when the access token expires, obtain a new one. A Workspace super admin must have allowed the
 * service account's client ID and the scopes under Admin console › Security › API controls › Domain-wide
 * delegation.
 *
 * <pre>{@code
 * TokenSet tokens = new ServiceAccountFlow(account, Path.of("sa-key.json"), Clock.systemUTC(), Duration.ofSeconds(30))
 *         .obtain();
 * }</pre>
 */
public final class ServiceAccountFlow {

    /** Google refuses assertions valid for more than an hour. */
    static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);

    private final Account account;
    private final Path keyFile;
    private final Clock clock;
    private final Duration timeout;

    /**
     * @param account the mailbox to act for: its address ({@link Account#mailUser()}) becomes {@code sub}, its
     *                scopes the assertion's {@code scope} (e.g. {@code https://mail.google.com/})
     * @param keyFile the service account's JSON key; read at each {@link #obtain()}, so a rotated key is picked up
     */
    public ServiceAccountFlow(Account account, Path keyFile, Clock clock, Duration timeout) {
        this.account = Objects.requireNonNull(account, "account");
        this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Signs a fresh assertion and obtains an access token for the account's user and scopes. */
    public TokenSet obtain() {
        ServiceAccountKey key = ServiceAccountKey.read(keyFile);
        // Google's libraries post to the key's token_uri, which is also the audience it expects.
        URI tokenUri = key.tokenUri() != null ? key.tokenUri() : account.provider().endpoints().token();
        TokenEndpoint endpoint = new TokenEndpoint(account, clock, timeout,
                "a Workspace super admin must allow the service account " + key.clientEmail()
                        + " (its client ID) with scopes " + String.join(",", account.scopes())
                        + " under Admin console › Security › API controls › Domain-wide delegation,"
                        + " and the user must exist in the domain");
        // No client authentication and no client_id: the signed assertion is the credential (RFC 7523 2.1).
        TokenRequest request = new TokenRequest(tokenUri, new JWTBearerGrant(assertion(key, tokenUri)), null);
        return endpoint.expect(endpoint.send(request));
    }

    private SignedJWT assertion(ServiceAccountKey key, URI audience) {
        // Whole seconds: JWT times are NumericDates, and exp - iat must not exceed the hour after rounding.
        Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(key.clientEmail())
                .subject(account.mailUser())
                .audience(audience.toString())
                .claim("scope", String.join(" ", account.scopes()))
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(ASSERTION_LIFETIME)))
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(key.keyId()).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new RSASSASigner(key.privateKey()));
        } catch (JOSEException e) {
            throw new AuthorizationFailed("account " + account.name() + ": the assertion could not be signed with the key in "
                    + keyFile + " (" + e.getClass().getSimpleName() + ")", "check the key file");
        }
        return jwt;
    }
}
