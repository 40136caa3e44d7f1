package io.oauthmail.oauth;

import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.device.DeviceCodeGrant;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.oauthmail.account.Account;
import io.oauthmail.error.AuthorizationFailed;
import io.oauthmail.provider.Quirk;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The device authorization grant (RFC 8628), for a machine without a browser: oauthmail gets a user code,
 * the person enters it at the provider's verification page on any other device and logs in there, and
 * meanwhile oauthmail polls the token endpoint at the interval the provider asked for.
 *
 * <pre>{@code
 * Authorization result = new DeviceFlow(account, Clock.systemUTC(), Sleeper.SYSTEM, Duration.ofMinutes(15))
 *         .authorize(prompt -> System.err.println("Open " + prompt.verificationUri() + " and enter " + prompt.userCode()));
 * }</pre>
 *
 * Google's device flow refuses every Gmail scope; for such a provider this flow refuses up front, before
 * any request, and says which flow to use instead.
 */
public final class DeviceFlow {

    /** RFC 8628 3.2: the interval when the provider states none. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /** RFC 8628 3.5: on {@code slow_down} the interval grows by five seconds, for good. */
    static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);

    /** What the person must be shown: where to go and which code to enter there. */
    public record Prompt(URI verificationUri, String userCode, URI verificationUriComplete, Duration expiresIn) {

        /** The verification URI with the code already in it, where the provider gives one (e.g. for a QR code). */
        public Optional<URI> complete() {
            return Optional.ofNullable(verificationUriComplete);
        }
    }

    private final Account account;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration timeout;

    /**
     * @param timeout how long to wait for the person at most; the provider's code lifetime may cut it shorter
     */
    public DeviceFlow(Account account, Clock clock, Sleeper sleeper, Duration timeout) {
        this.account = Objects.requireNonNull(account, "account");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Gets a user code, hands it to {@code prompt}, and polls until the person approves (the tokens and the
     * address from the ID token), denies, or the code or the timeout runs out ({@link AuthorizationFailed}).
     */
    public Authorization authorize(Consumer<Prompt> prompt) {
        refuseScopesTheProviderRefuses();
        URI endpoint = account.provider().endpoints().device().orElseThrow(() -> new AuthorizationFailed(
                "account " + account.name() + ": provider " + account.provider().name()
                        + " has no device authorization endpoint, so the device flow cannot be used",
                "log in with the browser: " + account.loginCommand() + " (or add --flow paste without a browser)"));
        TokenEndpoint tokenEndpoint = new TokenEndpoint(account, clock, Duration.ofSeconds(30));
        String retry = account.loginCommand() + " --flow device";
        // PKCE (RFC 7636) on a device grant: RFC 8628 does not define it, but Keycloak demands it for a client set to
        // require PKCE ("Missing parameter: code_challenge_method") and checks the verifier when the device polls.
        // Providers that do not know these parameters ignore them (RFC 6749 3.1, 3.2: unknown parameters are ignored).
        CodeVerifier verifier = new CodeVerifier();
        DeviceAuthorizationSuccessResponse device = LoginFailures.during(retry, () -> tokenEndpoint.authorizeDevice(endpoint,
                new Scope(account.scopes().toArray(String[]::new)), Map.of(
                        "code_challenge", List.of(CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue()),
                        "code_challenge_method", List.of(CodeChallengeMethod.S256.getValue())), retry));
        Instant start = clock.instant();
        Duration lifetime = Duration.ofSeconds(device.getLifetime());
        prompt.accept(new Prompt(device.getVerificationURI(), device.getUserCode().getValue(),
                device.getVerificationURIComplete(), lifetime));
        Instant deadline = min(start.plus(timeout), start.plus(lifetime));
        Duration interval = device.getInterval() > 0 ? Duration.ofSeconds(device.getInterval()) : DEFAULT_INTERVAL;
        TokenRequest poll = withVerifier(tokenEndpoint.tokenRequest(new DeviceCodeGrant(device.getDeviceCode()), null), verifier);
        while (true) {
            sleep(interval);
            TokenEndpoint.Answer answer = LoginFailures.during(retry, () -> tokenEndpoint.send(poll));
            if (answer.tokens() != null) {
                return EmailLookup.authorization(account, answer.tokens());
            }
            switch (String.valueOf(answer.error().getCode())) {
                case "authorization_pending":
                    break;
                case "slow_down":
                    interval = interval.plus(SLOW_DOWN_STEP);
                    break;
                case "expired_token":
                    throw failed("the code " + device.getUserCode().getValue() + " expired before it was approved");
                case "access_denied":
                    throw new AuthorizationFailed("account " + account.name() + ": access was denied on the verification page",
                            "if that was a mistake, run " + account.loginCommand() + " --flow device and allow access");
                default:
                    throw LoginFailures.refused(account, "the token endpoint " + poll.getEndpointURI().getHost(),
                            answer.error(), answer.status(), retry);
            }
            if (!clock.instant().isBefore(deadline)) {
                throw failed("the code " + device.getUserCode().getValue() + " was not approved within "
                        + Duration.between(start, deadline).toSeconds() + " s");
            }
        }
    }

    /** {@code request} with the PKCE {@code code_verifier} added, authenticated the same way. */
    private static TokenRequest withVerifier(TokenRequest request, CodeVerifier verifier) {
        TokenRequest.Builder builder = request.getClientAuthentication() != null
                ? new TokenRequest.Builder(request.getEndpointURI(), request.getClientAuthentication(), request.getAuthorizationGrant())
                : new TokenRequest.Builder(request.getEndpointURI(), request.getClientID(), request.getAuthorizationGrant());
        return builder.scope(request.getScope()).customParameter("code_verifier", verifier.getValue()).build();
    }

    /**
     * Google answers {@code invalid_scope: Invalid device flow scope} for every Gmail scope; asking would only
     * show the person a code that can never work.
     */
    private void refuseScopesTheProviderRefuses() {
        if (!account.provider().has(Quirk.DEVICE_FLOW_REFUSES_MAIL_SCOPES)) {
            return;
        }
        List<String> mail = account.scopes().stream().filter(DeviceFlow::isGoogleMailScope).toList();
        if (!mail.isEmpty()) {
            throw new AuthorizationFailed("account " + account.name() + ": " + account.provider().name()
                    + "'s device flow does not allow mail scopes (" + String.join(", ", mail)
                    + "); it only allows scopes such as openid, email and profile",
                    "use the browser flow: " + account.loginCommand()
                            + ", or on a machine without a browser: " + account.loginCommand() + " --flow paste");
        }
    }

    static boolean isGoogleMailScope(String scope) {
        return scope.startsWith("https://mail.google.com/") || scope.startsWith("https://www.googleapis.com/auth/gmail.");
    }

    private void sleep(Duration interval) {
        try {
            sleeper.sleep(interval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthorizationFailed("account " + account.name() + ": login interrupted", null, e);
        }
    }

    private AuthorizationFailed failed(String what) {
        return new AuthorizationFailed("account " + account.name() + ": " + what,
                "run it again for a new code: " + account.loginCommand() + " --flow device");
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
