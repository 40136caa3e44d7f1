package io.oauthmail.config;

import io.oauthmail.error.OAuthMailException;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Providers;
import io.oauthmail.store.AccountKeys;
import io.oauthmail.store.TokenStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Adding an account to the config file, as {@code oauthmail accounts add} does it, for every front end (the CLI and
 * the web console's "Connect an account"): the checks that need no command line, the endpoints of a generic or
 * custom provider (discovered once from the issuer and written down), and the write itself, which keeps or drops
 * the stored grant of an account it replaces ({@link AccountReplacement}). A client secret goes where
 * {@link AccountSettings} says: {@code client_secret} in the owner-only config file, or {@code client_secret_cmd}.
 */
public final class AccountAdd {

    private AccountAdd() {
    }

    /**
     * What the write did.
     *
     * @param written       the table as written (a replaced account may keep its learned address)
     * @param replaced      whether an account of that name was there before
     * @param changed       what invalidated the old grant ("client id", "scopes", ...); empty when it still applies
     * @param tokensDeleted whether stored tokens of the old grant were deleted (the account must log in again)
     */
    public record Outcome(AccountSettings written, boolean replaced, List<String> changed, boolean tokensDeleted) {

        public boolean grantKept() {
            return changed.isEmpty();
        }
    }

    /**
     * The checks of the provider's settings: a well-formed Microsoft tenant, and scopes for a generic or custom
     * provider (oauthmail cannot guess their mail scope).
     *
     * @throws OAuthMailException naming what is wrong and how to say it right
     */
    public static void check(String provider, String tenant, List<String> scopes) {
        if (provider.equals("microsoft")) {
            try {
                Providers.microsoft(tenant);
            } catch (IllegalArgumentException e) {
                throw new OAuthMailException(e.getMessage(), "e.g. --tenant organizations");
            }
        }
        if (needsEndpoints(provider) && (scopes == null || scopes.isEmpty())) {
            throw new OAuthMailException("a " + provider + " provider needs --scopes: oauthmail cannot guess its mail scope",
                    "e.g. --scopes \"openid email offline_access YOUR-MAIL-SCOPE\"");
        }
    }

    /** Whether the provider's endpoints must be written into the config (generic, custom), unlike the presets'. */
    public static boolean needsEndpoints(String provider) {
        return !provider.equals("google") && !provider.equals("microsoft");
    }

    /**
     * The endpoints written into the config: none for the presets; {@code authorization} and {@code token} when both
     * are given; else discovered from {@code issuer}, a given {@code device} or {@code revocation} endpoint winning.
     * Any of the URIs may be {@code null}.
     *
     * @throws OAuthMailException without an issuer to discover from; a {@code TemporaryFailure} when discovery fails
     */
    public static OAuthEndpoints endpoints(String provider, URI issuer, URI authorization, URI token, URI device,
            URI revocation) {
        if (!needsEndpoints(provider)) {
            return null;
        }
        if (authorization != null && token != null) {
            return new OAuthEndpoints(authorization, token, device, revocation, null);
        }
        if (issuer == null) {
            throw new OAuthMailException("a " + provider + " provider needs --issuer URL (to discover its endpoints) "
                    + "or --authorization-endpoint and --token-endpoint", null);
        }
        OAuthEndpoints found = Discovery.discover(issuer);
        return new OAuthEndpoints(found.authorization(), found.token(),
                device != null ? device : found.deviceAuthorization(),
                revocation != null ? revocation : found.revocation(), found.userInfo());
    }

    /**
     * Writes {@code settings} into {@code configFile}, replacing {@code previous} (the table of that name, if any):
     * a grant that no longer applies is deleted from {@code store}, one that does is kept with its learned address.
     */
    public static Outcome write(Path configFile, Optional<AccountSettings> previous, AccountSettings settings,
            TokenStore store) {
        AccountReplacement replacement = previous.map(p -> AccountReplacement.of(p, settings))
                .orElse(new AccountReplacement(settings, List.of()));
        ConfigWriter.putAccount(configFile, replacement.settings());
        boolean deleted = previous.isPresent() && !replacement.grantKept() && storedTokens(store, settings.name());
        if (deleted) {
            AccountKeys.deleteAll(store, settings.name());
        }
        return new Outcome(replacement.settings(), previous.isPresent(), replacement.changed(), deleted);
    }

    /** Whether the account has tokens stored; unreadable ones count, since a grant may be behind them. */
    public static boolean storedTokens(TokenStore store, String name) {
        try {
            return store.load(name).isPresent();
        } catch (OAuthMailException e) {
            return true;
        }
    }
}
