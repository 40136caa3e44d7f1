package io.oauthmail.config;

import io.oauthmail.account.Account;
import io.oauthmail.account.AppGrant;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.provider.Providers;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * Turns an account's settings into an {@link Account}: the provider preset (or the endpoints written in the
 * config for {@code generic} and {@code custom}), mail servers and scopes overridden where the config says
 * so, and the client secret, read from {@code client_secret_cmd} only when asked for (so that printing a
 * cached token never runs {@code pass} or {@code gpg}).
 */
public final class AccountResolver {

    private AccountResolver() {
    }

    /** The account without its client secret: enough to use cached tokens. */
    public static Account withoutSecret(AccountSettings settings) {
        return resolve(settings, null);
    }

    /** The account with its client secret, running {@code client_secret_cmd} if that is how it is configured. */
    public static Account withSecret(AccountSettings settings) {
        String secret = settings.clientSecret() != null ? settings.clientSecret()
                : settings.clientSecretCmd() != null
                        ? SecretCommand.run("account " + settings.name(), "client_secret_cmd", settings.clientSecretCmd())
                        : null;
        return resolve(settings, secret);
    }

    private static Account resolve(AccountSettings s, String secret) {
        Provider provider = switch (s.provider()) {
            case "google" -> Providers.google();
            case "microsoft" -> Providers.microsoft(s.tenant());
            default -> new Provider(s.provider(), endpoints(s), s.scopes(), null, null, null, Set.of());
        };
        if (!s.scopes().isEmpty()) {
            provider = provider.withScopes(s.scopes());
        }
        provider = provider.withServers(server(s.imap()), server(s.pop()), server(s.smtp()));
        AppGrant app = "client-credentials".equals(s.flow()) ? new AppGrant.ClientCredentials()
                : "service-account".equals(s.flow()) ? new AppGrant.ServiceAccount(Path.of(s.serviceAccountKey())) : null;
        return new Account(s.name(), s.email(), provider, s.clientId(), secret, s.scopes(),
                s.caFile() == null ? null : Path.of(s.caFile()), app, s.sasl());
    }

    private static OAuthEndpoints endpoints(AccountSettings s) {
        if (s.authorizationEndpoint() == null || s.tokenEndpoint() == null) {
            throw new OAuthMailException("account " + s.name() + ": a " + s.provider()
                    + " provider needs authorization_endpoint and token_endpoint",
                    "oauthmail accounts add " + s.name() + " --provider generic --issuer URL discovers them");
        }
        return new OAuthEndpoints(uri(s.authorizationEndpoint()), uri(s.tokenEndpoint()), uri(s.deviceEndpoint()),
                uri(s.revocationEndpoint()), uri(s.userinfoEndpoint()));
    }

    private static URI uri(String value) {
        return value == null ? null : URI.create(value);
    }

    private static MailServer server(String spec) {
        return spec == null ? null : MailServer.parse(spec);
    }
}
