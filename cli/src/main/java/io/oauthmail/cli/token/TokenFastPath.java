package io.oauthmail.cli.token;

import io.oauthmail.OAuthMailException;
import io.oauthmail.account.Account;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.Config;
import io.oauthmail.config.ConfigReader;
import io.oauthmail.config.OAuthMailPaths;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.token.TokenManager;
import io.oauthmail.token.TokenSet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The lean start-up path of the one command mail clients run on every login: {@code oauthmail token ACCOUNT
 * [--format F] [--base64]} with a cached token that is still valid. No lambdas here, see {@link io.oauthmail.cli.Main}. Measured: picocli's reflection over the
 * command's annotations was some 100 ms of a ~350 ms run; this case needs none of it. Only that exact form
 * and only that outcome are handled here: anything else (another option, no cached token, a refresh, an
 * error, a passphrase-protected store) returns empty and the full command runs, with picocli and all the
 * messages. Passphrase stores are left to the full path because the key derivation dominates there anyway.
 */
public final class TokenFastPath {

    private TokenFastPath() {
    }

    /** Prints the token and returns true, or returns false having printed nothing. */
    public static boolean tryRun(String[] args, PrintStream out, Map<String, String> env) {
        if (args.length < 2 || !args[0].equals("token") || args[1].startsWith("-")
                || env.get("OAUTHMAIL_PASSPHRASE") != null) {
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
        try {
            OAuthMailPaths paths = OAuthMailPaths.fromEnvironment(env, null);
            if (format.equals("token") && !base64) {
                // The token alone (passwordeval, PassCmd) needs no account settings: skip the TOML parser when a
                // line scan shows the account is declared and the store is the default one.
                String text = Files.readString(paths.configFile());
                if (ConfigReader.declaresAccountWithDefaultStore(text, args[1])) {
                    Optional<TokenSet> tokens = EncryptedFileStore.openWithKeyFile(paths.tokenDir()).load(args[1]);
                    if (tokens.isEmpty() || tokens.get().expiresWithin(TokenManager.DEFAULT_MARGIN, Instant.now())) {
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
            if (tokens.isEmpty() || tokens.get().expiresWithin(TokenManager.DEFAULT_MARGIN, now)) {
                return false;
            }
            out.println(TokenOutput.format(account, tokens.get(), format, base64, now));
            out.flush();
            return !out.checkError();
        } catch (OAuthMailException | IllegalArgumentException | IOException e) {
            return false; // the full command reports it properly
        }
    }
}
