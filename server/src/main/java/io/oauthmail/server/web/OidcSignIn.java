package io.oauthmail.server.web;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import com.nimbusds.openid.connect.sdk.AuthenticationErrorResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.oauthmail.config.WebSignIn;
import io.oauthmail.error.OAuthMailException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Signing in to the console with an OpenID Connect provider: the authorization code flow with PKCE S256, a
 * {@code state} bound to the browser's (anonymous) console session and a {@code nonce} bound to the ID token, then
 * the ID token validated by Nimbus ({@link IDTokenValidator}: signature against the provider's JWKS, {@code iss},
 * {@code aud}, {@code exp}/{@code iat}, {@code nonce}) and the identity checked against {@code [web] allow}.
 *
 * <p>Each session has at most one sign-in under way, and its state is taken out when the provider's answer comes
 * back: a replayed or forged answer finds nothing to match. The provider's metadata is read at the first sign-in,
 * not when the console starts, so a provider that is down keeps only this way in shut, not the console.
 */
final class OidcSignIn {

    /** How long a person may spend at the provider's login page. */
    static final Duration PATIENCE = Duration.ofMinutes(10);
    private static final int MAX_PENDING = 1_000;
    private static final int TIMEOUT_MILLIS = 10_000;

    /** Who the provider said signed in; {@code email} counts only when {@code emailVerified}. */
    record Identity(String subject, String email, boolean emailVerified) {

        /** For the log and the refusal page: the address (and whether it is verified), else the subject. */
        String shown() {
            return email == null ? "sub:" + subject : email + (emailVerified ? "" : " (address not verified)")
                    + " (sub:" + subject + ")";
        }
    }

    /** How a callback ended. */
    sealed interface Outcome {
    }

    /** A valid identity on the allow-list. */
    record SignedIn(Identity identity) implements Outcome {
    }

    /** A valid identity that is not on the allow-list. */
    record NotAllowed(Identity identity) implements Outcome {
    }

    /** No identity: {@code status} and what the page says (nothing secret in it). */
    record Failed(int status, String title, String message) implements Outcome {
    }

    private record Pending(State state, Nonce nonce, CodeVerifier verifier, Instant started) {
    }

    /** The provider as discovered: its metadata, and the validator built from it. */
    private record Provider(OIDCProviderMetadata metadata, IDTokenValidator validator) {
    }

    private final WebSignIn settings;
    private final URI callback;
    private final Clock clock;
    private final Map<String, Pending> pending = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Pending> eldest) {
            return size() > MAX_PENDING;
        }
    };
    private Provider provider;
    private String secret;

    OidcSignIn(WebSignIn settings, URI callback, Clock clock) {
        this.settings = settings;
        this.callback = callback;
        this.clock = clock;
    }

    /** The provider's host, for "Sign in with HOST". */
    String host() {
        return settings.issuer().getHost();
    }

    /**
     * Begins a sign-in for the session {@code sessionId}: where to send its browser.
     *
     * @throws OAuthMailException when the provider's metadata cannot be read
     */
    URI begin(String sessionId) {
        Provider at = provider();
        Pending login = new Pending(new State(), new Nonce(), new CodeVerifier(), clock.instant());
        synchronized (pending) {
            pending.put(sessionId, login);
        }
        return new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid", "email"),
                new ClientID(settings.clientId()), callback)
                .endpointURI(at.metadata().getAuthorizationEndpointURI())
                .state(login.state()).nonce(login.nonce())
                .codeChallenge(login.verifier(), CodeChallengeMethod.S256)
                .build().toURI();
    }

    /** Finishes the sign-in of {@code sessionId} with the provider's answer, the callback's {@code query}. */
    Outcome finish(String sessionId, String query) {
        Pending login;
        synchronized (pending) {
            login = pending.remove(sessionId); // one use: a replayed answer finds nothing
        }
        if (login == null || login.started().plus(PATIENCE).isBefore(clock.instant())) {
            return new Failed(400, "Not signed in", "No sign-in was under way in this browser (the answer came late,"
                    + " was used already, or was not started here). Nothing was changed: start again.");
        }
        Map<String, List<String>> parameters = new LinkedHashMap<>(URLUtils.parseParameters(query));
        parameters.remove("resume");
        AuthenticationResponse response;
        try {
            response = AuthenticationResponseParser.parse(callback, parameters);
        } catch (ParseException e) {
            return new Failed(400, "Not signed in", "The provider's answer could not be read. Start again.");
        }
        if (response.getState() == null || !MessageDigest.isEqual(login.state().getValue().getBytes(StandardCharsets.UTF_8),
                response.getState().getValue().getBytes(StandardCharsets.UTF_8))) {
            return new Failed(400, "Not signed in", "The answer's state is not the one this browser was sent with: it"
                    + " was forged or belongs to another sign-in. Nothing was changed: start again.");
        }
        if (response instanceof AuthenticationErrorResponse error) {
            ErrorObject object = error.getErrorObject();
            boolean denied = "access_denied".equals(object.getCode());
            return new Failed(denied ? 403 : 400, "Not signed in", (denied ? "The sign-in was refused at " + host()
                    + " (access_denied)." : host() + " answered " + object.getCode()
                    + (object.getDescription() == null ? "" : ": " + object.getDescription()) + ".")
                    + " Start again to retry.");
        }
        return redeem(response.toSuccessResponse().getAuthorizationCode(), login);
    }

    private Outcome redeem(AuthorizationCode code, Pending login) {
        Provider at;
        TokenResponse answer;
        try {
            at = provider();
            TokenRequest request = new TokenRequest(at.metadata().getTokenEndpointURI(), clientAuthentication(at),
                    new AuthorizationCodeGrant(code, callback, login.verifier()));
            HTTPRequest http = request.toHTTPRequest();
            http.setConnectTimeout(TIMEOUT_MILLIS);
            http.setReadTimeout(TIMEOUT_MILLIS);
            answer = OIDCTokenResponseParser.parse(http.send());
        } catch (IOException | ParseException | OAuthMailException e) {
            return new Failed(502, "Not signed in", host() + " could not be asked for the sign-in's tokens ("
                    + e.getMessage() + "). Try again later.");
        }
        if (!answer.indicatesSuccess()) {
            ErrorObject error = answer.toErrorResponse().getErrorObject();
            return new Failed(502, "Not signed in", host() + " did not give the sign-in's tokens: " + error.getCode()
                    + (error.getDescription() == null ? "" : " (" + error.getDescription() + ")") + ". Start again.");
        }
        OIDCTokens tokens = answer.toSuccessResponse().getTokens().toOIDCTokens();
        IDTokenClaimsSet claims;
        try {
            claims = at.validator().validate(tokens.getIDToken(), login.nonce());
        } catch (BadJOSEException e) {
            // Nimbus says what was wrong (audience, issuer, nonce, expiry, signature) without the token's content.
            return new Failed(400, "Not signed in", "The ID token from " + host() + " was refused: " + e.getMessage()
                    + ". Nothing was changed.");
        } catch (JOSEException e) {
            return new Failed(502, "Not signed in", "The ID token from " + host() + " could not be checked: "
                    + e.getMessage());
        }
        Boolean verified = claims.getBooleanClaim("email_verified");
        Identity identity = new Identity(claims.getSubject().getValue(), claims.getStringClaim("email"),
                Boolean.TRUE.equals(verified));
        return settings.allows(identity.subject(), identity.email(), identity.emailVerified()) ? new SignedIn(identity)
                : new NotAllowed(identity);
    }

    /**
     * The secret in an HTTP Basic header (the default of OpenID Connect), or in the form for a provider whose
     * metadata names only {@code client_secret_post}.
     */
    private ClientAuthentication clientAuthentication(Provider at) {
        ClientID id = new ClientID(settings.clientId());
        List<ClientAuthenticationMethod> methods = at.metadata().getTokenEndpointAuthMethods();
        return methods != null && !methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                && methods.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                ? new ClientSecretPost(id, new Secret(secret())) : new ClientSecretBasic(id, new Secret(secret()));
    }

    /** The provider's metadata and ID-token validator, read once; a failure is tried again at the next sign-in. */
    private synchronized Provider provider() {
        if (provider == null) {
            Issuer issuer = new Issuer(settings.issuer());
            try {
                OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(issuer, TIMEOUT_MILLIS, TIMEOUT_MILLIS);
                // The algorithms the provider says it signs ID tokens with (RS256 when it says none, the one every
                // provider must support); public-key ones only: "none" is no signature, and an HMAC would be keyed
                // with our client secret, which the console never hands to a key selector.
                Set<JWSAlgorithm> algorithms = new HashSet<>(Optional.ofNullable(metadata.getIDTokenJWSAlgs())
                        .orElse(List.of(JWSAlgorithm.RS256)));
                algorithms.retainAll(JWSAlgorithm.Family.SIGNATURE);
                JWKSource<SecurityContext> keys = JWKSourceBuilder.create(metadata.getJWKSetURI().toURL(),
                        new DefaultResourceRetriever(TIMEOUT_MILLIS, TIMEOUT_MILLIS)).build();
                IDTokenValidator validator = new IDTokenValidator(issuer, new ClientID(settings.clientId()),
                        new JWSVerificationKeySelector<>(algorithms, keys), null);
                provider = new Provider(metadata, validator);
            } catch (GeneralException | IOException e) {
                throw new OAuthMailException("the console cannot read the OpenID Connect metadata of "
                        + settings.issuer() + ": " + e.getMessage(), "check [web] oidc_issuer and that the provider"
                        + " is up, then try again");
            }
        }
        return provider;
    }

    private synchronized String secret() {
        if (secret == null) {
            secret = settings.secret();
        }
        return secret;
    }
}
