package io.oauthmail.sandbox;

import io.oauthmail.sandbox.AccessTokenVerifier.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.RejectException;

/**
 * SMTP AUTH XOAUTH2 and OAUTHBEARER for the sandbox's submission port, answering a bad token the way Gmail
 * documents: a {@code 334} challenge carrying base64 JSON ({@code status}, {@code schemes}, {@code scope}),
 * and {@code 535 5.7.8} once the client has answered it (an empty line for XOAUTH2, {@code ^A} for
 * OAUTHBEARER).
 */
final class OAuthSaslHandler implements AuthenticationHandler {

    static final String REJECTED = "5.7.8 Username and Password not accepted. Learn more at "
            + "https://support.google.com/mail/?p=BadCredentials (oauthmail sandbox)";

    /** Creates one handler per AUTH exchange, as SubEthaSMTP requires. */
    static AuthenticationHandlerFactory factory(AccessTokenVerifier verifier, Predicate<String> knownUser,
            String mailScope, AtomicInteger logins) {
        return new AuthenticationHandlerFactory() {
            @Override
            public List<String> getAuthenticationMechanisms() {
                return List.of("XOAUTH2", "OAUTHBEARER");
            }

            @Override
            public AuthenticationHandler create() {
                return new OAuthSaslHandler(verifier, knownUser, mailScope, logins);
            }
        };
    }

    private final AccessTokenVerifier verifier;
    private final Predicate<String> knownUser;
    private final String mailScope;
    private final AtomicInteger logins;
    private String mechanism;
    private boolean challenged;
    private String identity;

    private OAuthSaslHandler(AccessTokenVerifier verifier, Predicate<String> knownUser, String mailScope,
            AtomicInteger logins) {
        this.verifier = verifier;
        this.knownUser = knownUser;
        this.mailScope = mailScope;
        this.logins = logins;
    }

    @Override
    public Optional<String> auth(String clientInput, MessageContext context) throws RejectException {
        if (challenged) {
            // The client answered our error challenge (empty line or ^A): the exchange ends in failure.
            throw new RejectException(535, REJECTED);
        }
        if (mechanism == null) {
            String[] parts = clientInput.trim().split(" ");
            mechanism = parts[1].toUpperCase(Locale.ROOT);
            if (parts.length < 3) {
                return Optional.of("334 "); // no initial response: ask for it
            }
            return check(parts[2]);
        }
        return check(clientInput);
    }

    private Optional<String> check(String response) throws RejectException {
        Optional<BearerCredentials> credentials = mechanism.equals("XOAUTH2")
                ? BearerCredentials.parseXOAuth2(response)
                : BearerCredentials.parseOAuthBearer(response);
        if (credentials.isEmpty()) {
            throw new RejectException(501, "5.5.2 Cannot decode the " + mechanism + " response");
        }
        String user = credentials.get().user();
        Verdict verdict = knownUser.test(user)
                ? verifier.verify(credentials.get().token(), user)
                : Verdict.WRONG_USER;
        if (verdict.accepted()) {
            identity = user;
            logins.incrementAndGet();
            return Optional.empty();
        }
        challenged = true;
        return Optional.of("334 " + challenge(verdict));
    }

    private String challenge(Verdict verdict) {
        String json = mechanism.equals("XOAUTH2")
                ? "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"" + mailScope + "\"}"
                : "{\"status\":\"" + (verdict == Verdict.MISSING_SCOPE ? "insufficient_scope" : "invalid_token")
                        + "\",\"scope\":\"" + mailScope + "\"}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Object getIdentity() {
        return identity;
    }
}
