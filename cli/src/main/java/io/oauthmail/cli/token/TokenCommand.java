package io.oauthmail.cli.token;

import io.oauthmail.account.Account;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.Json;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.provider.MailServer;
import io.oauthmail.sasl.OAuthBearer;
import io.oauthmail.sasl.XOAuth2;
import io.oauthmail.token.TokenManager;
import io.oauthmail.token.TokenSet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code oauthmail token ACCOUNT}: a valid access token on stdout and nothing else, for msmtp's
 * {@code passwordeval}, mbsync's {@code PassCmd}, git send-email and curl. Errors go to stderr with an exit
 * code. A cached token is printed without running {@code client_secret_cmd} or touching the network.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Print a valid access token (refreshed first if needed) and nothing else on stdout.",
            "For passwordeval (msmtp), PassCmd (mbsync), git send-email and curl."})
public final class TokenCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @Parameters(paramLabel = "ACCOUNT")
    String name;

    @Option(names = "--format", paramLabel = "token|xoauth2|oauthbearer|json", defaultValue = "token",
            description = "token (default), the SASL XOAUTH2 or OAUTHBEARER string, or JSON with the expiry.")
    String format;

    @Option(names = "--base64", description = "Base64-encode the output (as SASL strings go on the wire).")
    boolean base64;

    @Override
    public Integer call() {
        CliContext context = root.context();
        AccountSettings settings = context.account(name);
        Account account = AccountResolver.withoutSecret(settings);
        TokenSet tokens = cachedIfValid(context, account).orElseGet(() -> {
            Account withSecret = AccountResolver.withSecret(settings);
            TokenManager manager = context.tokens();
            manager.accessToken(withSecret);
            return context.store().load(name).orElseThrow();
        });
        String output = switch (format) {
            case "token" -> tokens.accessToken();
            case "xoauth2" -> XOAuth2.initialResponse(account.mailUser(), tokens.accessToken());
            case "oauthbearer" -> {
                MailServer server = account.provider().imap() != null ? account.provider().imap() : account.provider().smtp();
                yield OAuthBearer.initialResponse(account.mailUser(), server == null ? "" : server.host(),
                        server == null ? 0 : server.port(), tokens.accessToken());
            }
            case "json" -> Json.object("account", account.name(), "email", account.email(), "token_type", "Bearer",
                    "access_token", tokens.accessToken(), "expires_at", tokens.expiresAt().toString(),
                    "expires_in", Math.max(0, Duration.between(context.clock().instant(), tokens.expiresAt()).toSeconds()));
            default -> throw new picocli.CommandLine.ParameterException(
                    picocli.CommandLine.Model.CommandSpec.forAnnotatedObject(this).commandLine(),
                    "unknown --format '" + format + "' (use token, xoauth2, oauthbearer or json)");
        };
        context.out().println(base64 ? Base64.getEncoder().encodeToString(output.getBytes(StandardCharsets.UTF_8)) : output);
        context.out().flush();
        return ExitCodes.OK;
    }

    /** The stored tokens when the access token is good for at least the refresh margin: no lock, no network. */
    private static Optional<TokenSet> cachedIfValid(CliContext context, Account account) {
        return context.store().load(account.name())
                .filter(t -> !t.expiresWithin(TokenManager.DEFAULT_MARGIN, context.clock().instant()));
    }
}
