package io.oauthmail.account;

import io.oauthmail.provider.Provider;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One mailbox oauthmail can act for: its name (how the user refers to it), its e-mail address, its provider,
 * and the OAuth client it logs in with.
 *
 * @param name         the account's name, usually the e-mail address
 * @param email        the address used as the SASL user, or {@code null} until learned at login
 * @param provider     endpoints, scopes and mail servers
 * @param clientId     the OAuth client ID
 * @param clientSecret the client secret, or {@code null} for a public client (PKCE only)
 * @param scopes       the scopes requested at login; the provider's when empty
 * @param caFile       an extra CA certificate (PEM) to trust for this account's mail servers, or {@code null}
 * @param appGrant     for an app-only account, how it obtains tokens without a person; {@code null} for a user's
 * @param sasl         {@code XOAUTH2} or {@code OAUTHBEARER} to force one; {@code null} lets the server choose
 *                     (XOAUTH2 first where it offers both: both Google and Microsoft document it)
 */
public record Account(String name, String email, Provider provider, String clientId, String clientSecret,
        List<String> scopes, Path caFile, AppGrant appGrant, String sasl) {

    public Account {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(clientId, "clientId");
        scopes = scopes == null || scopes.isEmpty() ? provider.scopes() : List.copyOf(scopes);
        if (sasl != null && !sasl.equalsIgnoreCase("XOAUTH2") && !sasl.equalsIgnoreCase("OAUTHBEARER")) {
            throw new IllegalArgumentException("unknown SASL mechanism '" + sasl + "' (use xoauth2 or oauthbearer)");
        }
    }

    /** A user's account, authorized by a person logging in. */
    public Account(String name, String email, Provider provider, String clientId, String clientSecret,
            List<String> scopes, Path caFile) {
        this(name, email, provider, clientId, clientSecret, scopes, caFile, null, null);
    }

    public Account(String name, String email, Provider provider, String clientId, String clientSecret,
            List<String> scopes, Path caFile, AppGrant appGrant) {
        this(name, email, provider, clientId, clientSecret, scopes, caFile, appGrant, null);
    }

    /** Starts an account named {@code name} (usually its address) at {@code provider}; see {@link AccountBuilder}. */
    public static AccountBuilder builder(String name, Provider provider) {
        return new AccountBuilder(name, provider);
    }

    /** The SASL mechanisms to try, in order of preference. */
    public List<String> saslMechanisms() {
        return sasl != null ? List.of(sasl.toUpperCase(java.util.Locale.ROOT)) : List.of("XOAUTH2", "OAUTHBEARER");
    }

    public Optional<AppGrant> app() {
        return Optional.ofNullable(appGrant);
    }

    /** The SASL user name: the e-mail address, or the account name where no address is known. */
    public String mailUser() {
        return email != null ? email : name;
    }

    /**
     * Whether {@link #mailUser()} looks like an e-mail address: the SASL user of every OAuth mail provider, and the
     * From of a message. False for an account without an address whose name is not one.
     */
    public boolean hasAddress() {
        String user = mailUser();
        int at = user.lastIndexOf('@');
        return at > 0 && at < user.length() - 1 && user.chars().noneMatch(Character::isWhitespace);
    }

    public Optional<String> secret() {
        return Optional.ofNullable(clientSecret);
    }

    public Optional<Path> ca() {
        return Optional.ofNullable(caFile);
    }

    public Account withProvider(Provider other) {
        return new Account(name, email, other, clientId, clientSecret, scopes, caFile, appGrant, sasl);
    }

    /** The command that authorizes this account again: what every re-authorization message tells the user. */
    public String loginCommand() {
        return "oauthmail login " + name;
    }

    /** How an account without an address ({@link #hasAddress()} false) gets one. */
    public String addressFix() {
        return "run: " + loginCommand() + " (it learns the address), or give it with: oauthmail accounts add " + name
                + " ... --email ADDRESS";
    }

    @Override
    public String toString() {
        return "Account[" + name + ", provider=" + provider.name() + ", client=" + clientId
                + (clientSecret != null ? ", secret=<redacted>" : "") + "]";
    }
}
