package io.oauthmail.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The config file, read: the accounts by name (in file order) and where tokens are kept.
 *
 * @param file     where it was read from (it may not exist yet: then there are no accounts)
 * @param tokenDir the token store folder ({@code [store] dir}, or the default from {@link OAuthMailPaths})
 * @param passphraseCmd a command printing the store's passphrase ({@code [store] passphrase_cmd}), or null
 * @param storeKind     {@code file} (default), {@code h2} (one H2 database in the token folder) or
 *                      {@code jdbc} (any database at {@code jdbcUrl}, e.g. PostgreSQL shared by several hosts)
 * @param jdbcUrl       the JDBC URL for {@code jdbc}, or null
 * @param accounts the accounts, by name
 * @param hooks    the daemon's event commands from {@code [serve]}: {@code on_reauth_needed}, {@code on_error},
 *                 {@code on_token_refreshed}, {@code on_warning}
 * @param listeners the proxy listeners of {@code [[listener]]} tables, in file order, for {@code oauthmail serve}
 * @param refreshMargin how long before expiry an access token counts as expired and is refreshed
 *                 ({@code [tokens] refresh_margin}, default 5 minutes): the largest margin, which hour-long tokens
 *                 get; shorter tokens are refreshed a quarter of their life before expiry
 * @param tokenTimeout how long a command waits for a token, refresh and retries included ({@code [tokens] timeout},
 *                 default 15 s)
 * @param log      the daemon's log level and format ({@code [log]}), where the file sets them
 * @param web      the web console's address ({@code [web] listen}), where the file sets it
 * @param relay    the relay's spool, limits and workers ({@code [relay]})
 */
public record Config(Path file, Path tokenDir, String passphraseCmd, String storeKind, String jdbcUrl,
        Map<String, AccountSettings> accounts, Map<String, String> hooks, java.util.List<ListenerSettings> listeners,
        java.time.Duration refreshMargin, java.time.Duration tokenTimeout, LogSettings log, WebSettings web,
        RelaySettings relay) {

    /** The event names a {@code [serve]} table may give commands for. */
    public static final java.util.Set<String> HOOKS = java.util.Set.of("on_reauth_needed", "on_error",
            "on_token_refreshed", "on_warning");

    public Config {
        accounts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(accounts));
        hooks = Map.copyOf(hooks);
        listeners = java.util.List.copyOf(listeners);
        refreshMargin = refreshMargin == null ? io.oauthmail.token.TokenManager.DEFAULT_MARGIN : refreshMargin;
        tokenTimeout = tokenTimeout == null ? io.oauthmail.token.TokenManager.DEFAULT_TIMEOUT : tokenTimeout;
        log = log == null ? LogSettings.DEFAULT : log;
        web = web == null ? WebSettings.DEFAULT : web;
        relay = relay == null ? RelaySettings.DEFAULT : relay;
    }

    public Config(Path file, Path tokenDir, String passphraseCmd, String storeKind, String jdbcUrl,
            Map<String, AccountSettings> accounts, Map<String, String> hooks, java.util.List<ListenerSettings> listeners,
            java.time.Duration refreshMargin, java.time.Duration tokenTimeout, LogSettings log, WebSettings web) {
        this(file, tokenDir, passphraseCmd, storeKind, jdbcUrl, accounts, hooks, listeners, refreshMargin, tokenTimeout, log, web, null);
    }

    public Config(Path file, Path tokenDir, String passphraseCmd, String storeKind, String jdbcUrl,
            Map<String, AccountSettings> accounts, Map<String, String> hooks, java.util.List<ListenerSettings> listeners,
            java.time.Duration refreshMargin, java.time.Duration tokenTimeout, LogSettings log) {
        this(file, tokenDir, passphraseCmd, storeKind, jdbcUrl, accounts, hooks, listeners, refreshMargin, tokenTimeout, log, null);
    }

    public Config(Path file, Path tokenDir, String passphraseCmd, String storeKind, String jdbcUrl,
            Map<String, AccountSettings> accounts, Map<String, String> hooks, java.util.List<ListenerSettings> listeners,
            java.time.Duration refreshMargin, java.time.Duration tokenTimeout) {
        this(file, tokenDir, passphraseCmd, storeKind, jdbcUrl, accounts, hooks, listeners, refreshMargin, tokenTimeout, null);
    }

    public Config(Path file, Path tokenDir, String passphraseCmd, String storeKind, String jdbcUrl,
            Map<String, AccountSettings> accounts, Map<String, String> hooks, java.util.List<ListenerSettings> listeners,
            java.time.Duration refreshMargin) {
        this(file, tokenDir, passphraseCmd, storeKind, jdbcUrl, accounts, hooks, listeners, refreshMargin, null);
    }

    public Config(Path file, Path tokenDir, String passphraseCmd, String storeKind, String jdbcUrl,
            Map<String, AccountSettings> accounts, Map<String, String> hooks, java.util.List<ListenerSettings> listeners) {
        this(file, tokenDir, passphraseCmd, storeKind, jdbcUrl, accounts, hooks, listeners, null);
    }

    public Config(Path file, Path tokenDir, String passphraseCmd, String storeKind, String jdbcUrl,
            Map<String, AccountSettings> accounts, Map<String, String> hooks) {
        this(file, tokenDir, passphraseCmd, storeKind, jdbcUrl, accounts, hooks, java.util.List.of());
    }

    public Config(Path file, Path tokenDir, String passphraseCmd, String storeKind, String jdbcUrl,
            Map<String, AccountSettings> accounts) {
        this(file, tokenDir, passphraseCmd, storeKind, jdbcUrl, accounts, Map.of());
    }

    public Optional<AccountSettings> account(String name) {
        return Optional.ofNullable(accounts.get(name));
    }

    /** Where this config keeps the tokens, for {@link io.oauthmail.store.Stores#open}. */
    public io.oauthmail.store.Stores.Location storeLocation() {
        return new io.oauthmail.store.Stores.Location(storeKind, tokenDir, jdbcUrl);
    }
}
