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
 */
public record Config(Path file, Path tokenDir, String passphraseCmd, String storeKind, String jdbcUrl,
        Map<String, AccountSettings> accounts) {

    public Config {
        accounts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(accounts));
    }

    public Optional<AccountSettings> account(String name) {
        return Optional.ofNullable(accounts.get(name));
    }
}
