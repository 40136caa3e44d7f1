package io.oauthmail.cli.token;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.Config;
import io.oauthmail.config.ConfigReader;
import io.oauthmail.config.OAuthMailPaths;
import io.oauthmail.config.TokenSettingsScan;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.server.ControlClient;
import io.oauthmail.server.Daemon;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;

/**
 * The lean start-up path of the one command mail clients run on every login: {@code oauthmail token ACCOUNT
 * [--format F] [--base64]} with a token from a running {@code oauthmail serve}, or a cached token that is
 * still valid. No lambdas here, see {@link io.oauthmail.cli.Main}. Measured: picocli's reflection over the
 * command's annotations was some 100 ms of a ~350 ms run; this case needs none of it. Only that exact form
 * and only that outcome are handled here: anything else (another option, no cached token, a refresh, an
 * error, a passphrase-protected store without a daemon) returns empty and the full command runs, with picocli and all the
 * messages. Passphrase stores are left to the full path because the key derivation dominates there anyway.
 */
public final class TokenFastPath {

    private TokenFastPath() {
    }

    /** Prints the token and returns true, or returns false having printed nothing. */
    public static boolean tryRun(String[] args, PrintStream out, Map<String, String> env) {
        if (args.length < 2 || !args[0].equals("token") || args[1].startsWith("-")) {
            return false;
        }
        String format = "token";
        boolean base64 = false;
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--base64")) {
                base64 = true;
            } else if (args[i].equals("--format") && i + 1 < args.length && TokenOutput.FORMATS.contains(args[i + 1])) {
                format = args[++i];
            } else {
                return false;
            }
        }
        new CryptoWarmUp().start();
        try {
            OAuthMailPaths paths = OAuthMailPaths.fromEnvironment(env, null);
            // A running daemon first: it holds the key (no passphrase asked again) and keeps the token fresh.
            Optional<TokenSet> fromDaemon = new ControlClient(Daemon.socketIn(paths.stateDir())).token(args[1]);
            if (fromDaemon.isPresent()) {
                return print(paths, args[1], fromDaemon.get(), format, base64, out);
            }
            if (env.get("OAUTHMAIL_PASSPHRASE") != null) {
                return false;
            }
            if (format.equals("token") && !base64) {
                // The token alone (passwordeval, PassCmd) needs no account settings: skip the TOML parser when a
                // line scan shows the account is declared, where its tokens are and the refresh margin.
                TokenSettingsScan.Found found = TokenSettingsScan.scan(Files.readString(paths.configFile()), args[1]);
                if (found != null) {
                    Path dir = found.tokenDir() != null ? found.tokenDir() : paths.tokenDir();
                    Duration margin = found.refreshMargin() != null ? found.refreshMargin() : TokenManager.DEFAULT_MARGIN;
                    Optional<TokenSet> tokens = EncryptedFileStore.openWithKeyFile(dir).load(args[1]);
                    if (tokens.isEmpty() || tokens.get().needsRefresh(margin, Instant.now())) {
                        return false;
                    }
                    out.println(tokens.get().accessToken());
                    out.flush();
                    return !out.checkError();
                }
            }
            Config config = ConfigReader.read(paths);
            Optional<AccountSettings> settings = config.account(args[1]);
            if (settings.isEmpty() || config.passphraseCmd() != null || !config.storeKind().equals("file")) {
                return false;
            }
            Account account = AccountResolver.withoutSecret(settings.get());
            Instant now = Instant.now();
            Optional<TokenSet> tokens = EncryptedFileStore.openWithKeyFile(config.tokenDir()).load(account.name());
            if (tokens.isEmpty() || tokens.get().needsRefresh(config.refreshMargin(), now)) {
                return false;
            }
            out.println(TokenOutput.format(account, tokens.get(), format, base64, now));
            out.flush();
            return !out.checkError();
        } catch (OAuthMailException | IllegalArgumentException | IOException e) {
            return false; // the full command reports it properly
        }
    }

    /** Prints the daemon's token in the asked format; the bare token needs no account settings at all. */
    private static boolean print(OAuthMailPaths paths, String name, TokenSet tokens, String format, boolean base64,
            PrintStream out) throws IOException {
        if (format.equals("token") && !base64) {
            out.println(tokens.accessToken());
        } else {
            Optional<AccountSettings> settings = ConfigReader.read(paths).account(name);
            if (settings.isEmpty()) {
                return false;
            }
            out.println(TokenOutput.format(AccountResolver.withoutSecret(settings.get()), tokens, format, base64, Instant.now()));
        }
        out.flush();
        return !out.checkError();
    }

    /**
     * The first {@code Cipher.getInstance} of a JVM reads the security properties, builds the provider list and
     * the SunJCE provider, and parses the crypto policy: measured 45 of the ~100 ms of a cold {@code oauthmail
     * token} on JDK 25, all interpreted. Started first, on a second core, it runs while this thread reads the
     * config and the token file; the decryption then finds it done (or waits for it, never doing it twice). A
     * class, not a lambda: see {@link io.oauthmail.cli.Main}.
     */
    private static final class CryptoWarmUp extends Thread {

        CryptoWarmUp() {
            super("oauthmail-crypto-warm-up");
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                // the decryption itself will report it
            }
        }
    }
}
