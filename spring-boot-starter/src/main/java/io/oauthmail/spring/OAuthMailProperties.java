package io.oauthmail.spring;

import io.oauthmail.provider.TlsMode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code oauthmail.*} properties. Either name an account of an oauthmail config file ({@code account}, and
 * {@code config} when the file is not at the usual place), or describe one here ({@code provider},
 * {@code client-id}, {@code email}, ...): setting {@code provider} means the latter. Either way the config file, where
 * there is one, gives the store ({@code [store]}, unless {@code store.*} move it) and the refresh timing ({@code [tokens]}).
 *
 * @param enabled      whether the starter sets up a JavaMailSender at all
 * @param account      the account's name: in an oauthmail config file, or the name its tokens are stored under when
 *                     described here (default: email)
 * @param config       the oauthmail config file (default: $OAUTHMAIL_HOME/config.toml, else
 *                     $XDG_CONFIG_HOME/oauthmail/config.toml)
 * @param provider     describes the account here instead of in a config file: google, microsoft or generic (an
 *                     OpenID Connect issuer, with issuer and smtp.*)
 * @param tenant       microsoft: common (default), organizations, consumers, or a tenant ID or domain
 * @param issuer       generic: the issuer URL, whose .well-known/openid-configuration names the endpoints
 * @param clientId     the OAuth client ID
 * @param clientSecret the client secret; leave it out for a public client
 * @param email        the mailbox address: the SASL user name
 * @param scopes       the scopes the account logged in with (default: the provider's)
 * @param caFile       a PEM file of extra CAs to trust for the mail server
 * @param smtp         the SMTP server, overriding the provider's or the config file's
 * @param store        where the tokens are kept, overriding the config file's [store]
 * @param timeout      how long connecting and each SMTP command may take
 */
@ConfigurationProperties("oauthmail")
public record OAuthMailProperties(@DefaultValue("true") boolean enabled, String account, Path config,
        ProviderKind provider, String tenant, URI issuer, String clientId, String clientSecret, String email,
        List<String> scopes, Path caFile, Smtp smtp, Store store, @DefaultValue("60s") Duration timeout) {

    /** The providers an account described in properties can have. */
    public enum ProviderKind {
        GOOGLE, MICROSOFT, GENERIC
    }

    /** The kinds of token store (the config file's {@code [store] kind}). */
    public enum StoreKind {
        FILE, H2, JDBC
    }

    /**
     * The SMTP server; each part left out keeps the provider's (or the config file's).
     *
     * @param host the host name
     * @param port the port
     * @param tls  implicit (SMTPS, the default on port 465), starttls (the default elsewhere) or plain
     */
    public record Smtp(String host, Integer port, TlsMode tls) {
    }

    /**
     * The token store: the same one the {@code oauthmail} command uses, so that {@code oauthmail login} puts the
     * tokens where the application finds them.
     *
     * @param kind       file (default), h2 (one H2 database in dir) or jdbc (any database at
     *                   jdbc-url; its driver must be on the classpath)
     * @param dir        the token folder (default: the config file's [store] dir, else
     *                   $OAUTHMAIL_HOME/tokens or $XDG_DATA_HOME/oauthmail/tokens)
     * @param jdbcUrl    for jdbc: the database's JDBC URL
     * @param passphrase the store's passphrase, if it has one (default: OAUTHMAIL_PASSPHRASE, else the
     *                   config file's passphrase_cmd, else the key file in the token folder)
     */
    public record Store(StoreKind kind, Path dir, String jdbcUrl, String passphrase) {

        @Override
        public String toString() {
            return "Store[kind=" + kind + ", dir=" + dir + (jdbcUrl != null ? ", jdbcUrl=<redacted>" : "")
                    + (passphrase != null ? ", passphrase=<redacted>" : "") + "]";
        }
    }

    public OAuthMailProperties {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        smtp = smtp == null ? new Smtp(null, null, null) : smtp;
        store = store == null ? new Store(null, null, null, null) : store;
    }

    /** Without the client secret and the store's passphrase, which a record would print. */
    @Override
    public String toString() {
        return "OAuthMailProperties[account=" + account + ", config=" + config + ", provider=" + provider + ", clientId="
                + clientId + (clientSecret != null ? ", clientSecret=<redacted>" : "") + ", email=" + email + ", smtp="
                + smtp + ", store=" + store + "]";
    }
}
