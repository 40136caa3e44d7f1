package io.oauthmail.cli;

import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.Config;
import io.oauthmail.config.OAuthMailPaths;
import io.oauthmail.store.TokenStore;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What every command works with, made on first use so a command pays only for what it touches: the paths,
 * the config file, the token store and the token manager. Output for machines goes to {@link #out()},
 * everything meant for the person to {@link #err()}. What must leave byte for byte (raw messages) goes to
 * {@link #stdout()}, the same stdout underneath {@link #out()}: a Writer would decode and re-encode it.
 */
public final class CliContext {

    private final InputStream in;
    private final PrintWriter out;
    private final OutputStream stdout;
    private final PrintWriter err;
    private final OAuthMailRuntime runtime;
    private TokenManager tokens;

    CliContext(Map<String, String> env, InputStream in, PrintWriter out, OutputStream stdout, PrintWriter err,
            Path configOverride) {
        this.in = in;
        this.out = out;
        this.stdout = stdout;
        this.err = err;
        this.runtime = OAuthMailRuntime.fromEnvironment(env, configOverride);
    }

    public PrintWriter out() {
        return out;
    }

    /**
     * Stdout as bytes, for what must not be re-encoded. It is the stream under {@link #out()}: flush {@code out()}
     * before writing here and flush this after, so text and bytes keep their order.
     */
    public OutputStream stdout() {
        return stdout;
    }

    public PrintWriter err() {
        return err;
    }

    public InputStream in() {
        return in;
    }

    /** The parts every command shares with the daemon and the library (config, store, token managers). */
    public OAuthMailRuntime runtime() {
        return runtime;
    }

    public Map<String, String> env() {
        return runtime.env();
    }

    public Clock clock() {
        return runtime.clock();
    }

    public OAuthMailPaths paths() {
        return runtime.paths();
    }

    public Config config() {
        return runtime.config();
    }

    /** Forgets the config read so far: after a command changed the file. */
    public void configChanged() {
        runtime.configChanged();
    }

    /** The settings of account {@code name}, or an error that says how to add it. */
    public AccountSettings account(String name) {
        return runtime.account(name);
    }

    /** The token store; keyed by OAUTHMAIL_PASSPHRASE, else [store] passphrase_cmd, else its key file. */
    public TokenStore store() {
        return runtime.store();
    }

    /** The token manager (one per command); its warnings (a failed refresh, a token used all the same) go to stderr. */
    public TokenManager tokens() {
        if (tokens == null) {
            tokens = runtime.tokenManager(RetryPolicy.DEFAULT, new WarningsOnStderr(err));
        }
        return tokens;
    }

    /** Waits until no refresh of this command still waits for its answer (at once when none does). */
    void awaitRefreshesInFlight() {
        if (tokens != null) {
            tokens.awaitRefreshesInFlight();
        }
    }
}
