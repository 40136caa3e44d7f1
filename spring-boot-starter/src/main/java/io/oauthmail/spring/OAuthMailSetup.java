package io.oauthmail.spring;

import io.oauthmail.account.Account;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.Config;
import io.oauthmail.config.Discovery;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.TlsMode;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.spring.OAuthMailProperties.ProviderKind;
import io.oauthmail.spring.OAuthMailProperties.StoreKind;
import io.oauthmail.store.Stores;
import io.oauthmail.store.TokenStore;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.env.Environment;

/**
 * Turns the {@code oauthmail.*} properties into core's objects through {@link OAuthMailRuntime}, the composition root
 * the {@code oauthmail} command and the daemon start from too: the same config file, token store and passphrase
 * rules, so an account logged in with the command is the one the application sends from. The properties can
 * describe the account instead of the config file, and move the store. Every mistake is an
 * {@link OAuthMailException} naming the property to set, which {@link OAuthMailFailureAnalyzer} shows at startup;
 * no message holds a secret.
 */
final class OAuthMailSetup {

    /** The variables the runtime reads: taken from Spring's environment, so a property can set them too. */
    private static final List<String> VARIABLES = List.of("OAUTHMAIL_HOME", "HOME", "XDG_CONFIG_HOME",
            "XDG_DATA_HOME", "XDG_STATE_HOME", "OAUTHMAIL_PASSPHRASE");

    private final OAuthMailProperties properties;
    private final OAuthMailRuntime runtime;
    /** The store the properties name, or null for the config file's {@code [store]}. */
    private final Stores.Location storeOverride;

    OAuthMailSetup(OAuthMailProperties properties, Environment environment) {
        this.properties = properties;
        if (!inline() && (properties.account() == null || properties.account().isBlank())) {
            throw new OAuthMailException("no oauthmail account is configured (oauthmail.account is not set)",
                    "set oauthmail.account to an account of your oauthmail config (`oauthmail accounts` lists them), "
                            + "or describe one with oauthmail.provider, oauthmail.client-id and oauthmail.email");
        }
        if (properties.config() != null && !Files.isRegularFile(properties.config())) {
            throw new OAuthMailException("oauthmail.config: there is no oauthmail config file at " + properties.config(),
                    "set oauthmail.config to the config.toml that has the account, or leave it out for the usual one "
                            + "(config.toml in $OAUTHMAIL_HOME, else in $XDG_CONFIG_HOME/oauthmail)");
        }
        Map<String, String> variables = new HashMap<>();
        for (String name : VARIABLES) {
            String value = environment.getProperty(name);
            if (value != null) {
                variables.put(name, value);
            }
        }
        if (properties.store().passphrase() != null) {
            variables.put("OAUTHMAIL_PASSPHRASE", properties.store().passphrase());
        }
        OAuthMailRuntime fromEnvironment = OAuthMailRuntime.fromEnvironment(Map.copyOf(variables), properties.config());
        this.storeOverride = storeOverride(properties.store(), fromEnvironment.config());
        this.runtime = storeOverride == null ? fromEnvironment : fromEnvironment.withStoreLocation(storeOverride);
    }

    private boolean inline() {
        return properties.provider() != null;
    }

    /** The name the account's tokens are stored under. */
    String accountName() {
        if (!inline()) {
            return properties.account();
        }
        String name = properties.account() != null ? properties.account() : properties.email();
        if (name == null || name.isBlank()) {
            throw new OAuthMailException("oauthmail.provider is set but the account has no address",
                    "set oauthmail.email to the mailbox's address (and oauthmail.account if its tokens are stored "
                            + "under another name)");
        }
        return name;
    }

    /** The account: from the config file, or built from the properties; with the SMTP overrides applied. */
    Account account() {
        Account account;
        if (inline()) {
            account = AccountResolver.withSecret(settingsFromProperties());
        } else {
            AccountSettings settings;
            try {
                settings = runtime.account(properties.account());
            } catch (OAuthMailException e) {
                throw new OAuthMailException("oauthmail.account: " + e.getMessage(), e.hint().map(hint -> hint
                        + ", then `oauthmail login " + properties.account() + "`; or set oauthmail.config to the config file"
                        + " that has it").orElse(null), e);
            }
            account = AccountResolver.withSecret(settings);
        }
        return withSmtpOverride(account);
    }

    private AccountSettings settingsFromProperties() {
        if (properties.clientId() == null || properties.clientId().isBlank()) {
            throw new OAuthMailException("oauthmail.provider is set but oauthmail.client-id is not",
                    "set oauthmail.client-id to the OAuth client ID the account logs in with");
        }
        OAuthEndpoints endpoints = null;
        if (properties.provider() == ProviderKind.GENERIC) {
            if (properties.issuer() == null) {
                throw new OAuthMailException("oauthmail.provider is generic but oauthmail.issuer is not set",
                        "set oauthmail.issuer to the OpenID Connect issuer URL (it serves .well-known/openid-configuration)");
            }
            endpoints = Discovery.discover(properties.issuer());
        }
        String provider = properties.provider().name().toLowerCase(Locale.ROOT);
        try {
            return new AccountSettings(accountName(), provider, properties.tenant(),
                    properties.issuer() == null ? null : properties.issuer().toString(), properties.clientId(),
                    properties.clientSecret(), null, properties.email(), properties.scopes(), null, null, null,
                    properties.caFile() == null ? null : properties.caFile().toString(), null, null,
                    uri(endpoints, OAuthEndpoints::authorization), uri(endpoints, OAuthEndpoints::token),
                    uri(endpoints, OAuthEndpoints::deviceAuthorization),
                    uri(endpoints, OAuthEndpoints::revocation), uri(endpoints, OAuthEndpoints::userInfo), null, null);
        } catch (IllegalArgumentException e) {
            throw new OAuthMailException("oauthmail.tenant: " + e.getMessage(), "set oauthmail.tenant to common, "
                    + "organizations, consumers, a tenant ID or a domain", e);
        }
    }

    private static String uri(OAuthEndpoints endpoints, java.util.function.Function<OAuthEndpoints, java.net.URI> part) {
        return endpoints == null || part.apply(endpoints) == null ? null : part.apply(endpoints).toString();
    }

    private Account withSmtpOverride(Account account) {
        OAuthMailProperties.Smtp smtp = properties.smtp();
        MailServer current = account.provider().smtp();
        if (smtp.host() == null && smtp.port() == null && smtp.tls() == null) {
            if (current == null) {
                throw new OAuthMailException("account " + account.name() + " has no SMTP server",
                        "set oauthmail.smtp.host and oauthmail.smtp.port (and oauthmail.smtp.tls: implicit, starttls or plain)");
            }
            return account;
        }
        String host = smtp.host() != null ? smtp.host() : current == null ? null : current.host();
        Integer port = smtp.port() != null ? smtp.port() : current == null ? null : current.port();
        if (host == null || port == null) {
            throw new OAuthMailException("account " + account.name() + " has no SMTP server, and oauthmail.smtp."
                    + (host == null ? "host" : "port") + " is not set", "set oauthmail.smtp.host and oauthmail.smtp.port");
        }
        TlsMode tls = smtp.tls() != null ? smtp.tls()
                : smtp.port() == null && current != null ? current.tls()
                : port == 465 ? TlsMode.IMPLICIT : TlsMode.STARTTLS;
        try {
            return account.withProvider(account.provider().withSmtp(new MailServer(host, port, tls)));
        } catch (IllegalArgumentException e) {
            throw new OAuthMailException("oauthmail.smtp.port: " + e.getMessage(), "set it to the SMTP port (1 to 65535)", e);
        }
    }

    /** The token store the properties, else the config file, name, opened with its passphrase. */
    TokenStore openStore() {
        return runtime.store();
    }

    /** Where the properties put the store, with what they leave out from the config file; null if they say nothing. */
    private static Stores.Location storeOverride(OAuthMailProperties.Store store, Config config) {
        if (store.kind() == null && store.dir() == null && store.jdbcUrl() == null) {
            return null;
        }
        String jdbcUrl = store.jdbcUrl() != null ? store.jdbcUrl() : config.jdbcUrl();
        StoreKind kind = store.kind() != null ? store.kind() : store.jdbcUrl() != null ? StoreKind.JDBC
                : StoreKind.valueOf(config.storeKind().toUpperCase(Locale.ROOT));
        if (kind == StoreKind.JDBC && jdbcUrl == null) {
            throw new OAuthMailException("oauthmail.store.kind is jdbc but no JDBC URL is set",
                    "set oauthmail.store.jdbc-url (and put the database's driver on the classpath)");
        }
        return new Stores.Location(kind.name().toLowerCase(Locale.ROOT), store.dir() != null ? store.dir() : config.tokenDir(),
                kind == StoreKind.JDBC ? jdbcUrl : null);
    }

    /** Where the tokens are, for messages: never the JDBC URL, which may hold a password. */
    String storeDescription() {
        Stores.Location location = storeOverride != null ? storeOverride : runtime.config().storeLocation();
        return switch (location.kind()) {
            case "jdbc" -> "the JDBC token store";
            case "h2" -> "the H2 token store in " + location.dir();
            default -> "the token folder " + location.dir();
        };
    }

    /** The config file's {@code [tokens] refresh_margin}, or the default. */
    Duration refreshMargin() {
        return runtime.config().refreshMargin();
    }

    /** The config file's {@code [tokens] timeout}, or the default. */
    Duration tokenTimeout() {
        return runtime.config().tokenTimeout();
    }

    /**
     * Fails unless {@code account} can get a token without a person: it logged in before (tokens in the store), or
     * it is an app-only account. Checked at startup, so that a missing login is not found at the first send.
     */
    void requireLoggedIn(Account account, TokenStore store) {
        if (account.app().isPresent() || store.load(account.name()).isPresent()) {
            return;
        }
        String login = "run: `" + account.loginCommand() + "`";
        throw new OAuthMailException("account " + account.name() + " has never logged in: there are no tokens for it in "
                + storeDescription(), inline()
                        ? login + " once, with the same account in your oauthmail config (`oauthmail accounts add "
                                + account.name() + " --provider " + properties.provider().name().toLowerCase(Locale.ROOT)
                                + " --client-id ...`) and the same token store"
                        : login + " once, as the user the application runs as (or with oauthmail.store.* pointing at the"
                                + " token store that command fills)");
    }
}
