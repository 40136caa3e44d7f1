package io.oauthmail.sasl;

import java.security.Provider;
import java.security.Security;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslClientFactory;
import javax.security.sasl.SaslException;

/**
 * SASL XOAUTH2 and OAUTHBEARER for Jakarta Mail, which has no OAUTHBEARER (angus-mail issue 191). Jakarta
 * Mail finds SASL mechanisms through the JCA ({@code Sasl.createSaslClient}), so the factory is published as
 * a security provider, once per JVM: that registry is global by design, and {@link #install()} is idempotent.
 *
 * <p>Jakarta Mail hands over the user name and the token (as the password) through callbacks and its session
 * properties as the SASL properties: OAUTHBEARER's {@code host} is the server name, its {@code port} comes
 * from {@link #PORT}, and a failure challenge is stored in the holder under {@link #FAILURE}.
 */
public final class BearerSaslFactory implements SaslClientFactory {

    public static final String XOAUTH2 = "XOAUTH2";
    public static final String OAUTHBEARER = "OAUTHBEARER";
    /** SASL property: the server's port, for OAUTHBEARER's {@code port} field. */
    public static final String PORT = "io.oauthmail.sasl.port";
    /** SASL property: an {@code AtomicReference<SaslFailure>} that receives the server's failure challenge. */
    public static final String FAILURE = "io.oauthmail.sasl.failure";
    /** SASL property: an {@code AtomicReference<String>} that receives the mechanism a client was created for. */
    public static final String MECHANISM = "io.oauthmail.sasl.mechanism";

    /**
     * A {@code Supplier<String>} of the token to send, asked at every login; when present it wins over the
     * password Jakarta Mail passes, which a Session caches after its first connection (so plain Jakarta Mail code
     * would present the first token forever).
     */
    public static final String TOKEN_SOURCE = "io.oauthmail.sasl.tokenSource";
    private static final String PROVIDER_NAME = "oauthmail-sasl";

    /** Publishes the mechanisms to the JVM's SASL registry (once; later calls do nothing). */
    public static synchronized void install() {
        if (Security.getProvider(PROVIDER_NAME) == null) {
            Security.addProvider(new SaslProvider());
        }
    }

    @Override
    public SaslClient createSaslClient(String[] mechanisms, String authorizationId, String protocol, String serverName,
            Map<String, ?> props, CallbackHandler handler) throws SaslException {
        for (String mechanism : mechanisms) {
            if (mechanism.equals(XOAUTH2) || mechanism.equals(OAUTHBEARER)) {
                String[] credentials = credentials(handler);
                String user = authorizationId != null && !authorizationId.isEmpty() ? authorizationId : credentials[0];
                String token = tokenSource(props).map(java.util.function.Supplier::get).orElse(credentials[1]);
                String response = mechanism.equals(XOAUTH2)
                        ? XOAuth2.initialResponse(user, token)
                        : OAuthBearer.initialResponse(user, serverName, port(props), token);
                BearerSaslFactory.<String>holder(props, MECHANISM).ifPresent(used -> used.set(mechanism));
                return new BearerSaslClient(mechanism, response, BearerSaslFactory.<SaslFailure>holder(props, FAILURE).orElse(null));
            }
        }
        return null;
    }

    @Override
    public String[] getMechanismNames(Map<String, ?> props) {
        return new String[] {XOAUTH2, OAUTHBEARER};
    }

    private static String[] credentials(CallbackHandler handler) throws SaslException {
        NameCallback name = new NameCallback("user");
        PasswordCallback token = new PasswordCallback("token", false);
        try {
            handler.handle(new Callback[] {name, token});
        } catch (UnsupportedCallbackException | java.io.IOException e) {
            throw new SaslException("cannot get the user and token", e);
        }
        char[] password = token.getPassword();
        if (name.getName() == null || password == null) {
            throw new SaslException("no user or token given");
        }
        String value = new String(password);
        token.clearPassword();
        return new String[] {name.getName(), value};
    }

    private static int port(Map<String, ?> props) {
        Object port = props == null ? null : props.get(PORT);
        return port == null ? 0 : Integer.parseInt(port.toString());
    }

    @SuppressWarnings("unchecked")
    private static java.util.Optional<java.util.function.Supplier<String>> tokenSource(Map<String, ?> props) {
        Object source = props == null ? null : props.get(TOKEN_SOURCE);
        return source instanceof java.util.function.Supplier<?> supplier
                ? java.util.Optional.of((java.util.function.Supplier<String>) supplier) : java.util.Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static <T> java.util.Optional<AtomicReference<T>> holder(Map<String, ?> props, String key) {
        Object holder = props == null ? null : props.get(key);
        return holder instanceof AtomicReference<?> ref ? java.util.Optional.of((AtomicReference<T>) ref)
                : java.util.Optional.empty();
    }

    /** The JCA provider that makes the factory findable by mechanism name. */
    private static final class SaslProvider extends Provider {
        private static final long serialVersionUID = 1L;

        SaslProvider() {
            super(PROVIDER_NAME, "1.0", "oauthmail SASL XOAUTH2 and OAUTHBEARER clients");
            put("SaslClientFactory." + XOAUTH2, BearerSaslFactory.class.getName());
            put("SaslClientFactory." + OAUTHBEARER, BearerSaslFactory.class.getName());
        }
    }
}
