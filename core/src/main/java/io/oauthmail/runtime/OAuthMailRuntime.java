package io.oauthmail.runtime;

import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.Config;
import io.oauthmail.config.ConfigReader;
import io.oauthmail.config.OAuthMailPaths;
import io.oauthmail.config.SecretCommand;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.store.Stores;
import io.oauthmail.store.TokenStore;
import io.oauthmail.token.RefreshEvents;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The one place oauthmail's parts are put together from a user's environment: the folders, the config file, the
 * token store opened with its passphrase, and token managers set up by the config's {@code [tokens]}. The
 * command-line tool, the daemon and the library's {@link io.oauthmail.OAuthMail#fromConfig()} all start here, so
 * they open the same store the same way. Each part is made on first use: a command pays only for what it touches.
 */
public final class OAuthMailRuntime {

    private final Map<String, String> env;
    private final Path configOverride;
    private final Clock clock;
    /** Where the tokens are when the embedding program says so, instead of the config's {@code [store]}; or null. */
    private final Stores.Location storeLocation;
    private Config config;
    private TokenStore store;

    private OAuthMailRuntime(Map<String, String> env, Path configOverride, Clock clock, Stores.Location storeLocation) {
        this.env = env;
        this.configOverride = configOverride;
        this.clock = clock;
        this.storeLocation = storeLocation;
    }

    /**
     * The runtime of the user described by {@code env} ({@code OAUTHMAIL_HOME}, the XDG variables,
     * {@code OAUTHMAIL_PASSPHRASE}); {@code configOverride} is a config file named on the command line, or null.
     */
    public static OAuthMailRuntime fromEnvironment(Map<String, String> env, Path configOverride) {
        return new OAuthMailRuntime(env, configOverride, Clock.systemUTC(), null);
    }

    /**
     * This runtime with the tokens kept at {@code where} instead of the config's {@code [store]} (opened with the
     * same passphrase rules): for a program that names its store itself, as the Spring Boot starter's
     * {@code oauthmail.store.*} properties do.
     */
    public OAuthMailRuntime withStoreLocation(Stores.Location where) {
        return new OAuthMailRuntime(env, configOverride, clock, java.util.Objects.requireNonNull(where, "where"));
    }

    public Map<String, String> env() {
        return env;
    }

    public Clock clock() {
        return clock;
    }

    public OAuthMailPaths paths() {
        return OAuthMailPaths.fromEnvironment(env, configOverride);
    }

    /** The config file, read once; {@link #configChanged()} makes the next call read it again. */
    public synchronized Config config() {
        if (config == null) {
            config = ConfigReader.read(paths());
        }
        return config;
    }

    /** Forgets the config read so far: after the file was changed (a command wrote it, a reload). */
    public synchronized void configChanged() {
        config = null;
    }

    /** The settings of account {@code name}, or an error that names the accounts there are and how to add it. */
    public AccountSettings account(String name) {
        Config current = config();
        return current.account(name).orElseThrow(() -> new OAuthMailException(
                "no account named " + name + " in " + current.file()
                        + (current.accounts().isEmpty() ? " (it has no accounts yet)" : " (it has: "
                                + String.join(", ", current.accounts().keySet()) + ")"),
                "add it with: oauthmail accounts add " + name + " --provider google|microsoft|generic --client-id ID"));
    }

    /**
     * The token store of the config's {@code [store]} (or of {@link #withStoreLocation}), opened once. Its key: {@code OAUTHMAIL_PASSPHRASE}, else the
     * output of {@code [store] passphrase_cmd}, else the store's own key file.
     */
    public synchronized TokenStore store() {
        if (store == null) {
            String passphrase = env.get("OAUTHMAIL_PASSPHRASE");
            if ((passphrase == null || passphrase.isEmpty()) && config().passphraseCmd() != null) {
                passphrase = SecretCommand.run("the token store", "passphrase_cmd", config().passphraseCmd());
            }
            store = Stores.open(storeLocation != null ? storeLocation : config().storeLocation(),
                    passphrase == null || passphrase.isEmpty() ? null : passphrase.toCharArray());
        }
        return store;
    }

    /**
     * A token manager over {@link #store()} with the config's refresh margin and timeout. Each caller gets its own:
     * a command retries a failed refresh itself ({@link RetryPolicy#DEFAULT}), the daemon's refresher backs off on
     * its own schedule and wants {@link RetryPolicy#NONE} underneath it.
     */
    public TokenManager tokenManager(RetryPolicy retry, RefreshEvents events) {
        Config current = config();
        return new TokenManager(store(), clock, current.refreshMargin(), current.tokenTimeout(),
                TokenManager.DEFAULT_ANSWER_WAIT, retry, Sleeper.SYSTEM, events);
    }
}
