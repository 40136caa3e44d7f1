package io.oauthmail.cli.token;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.AccountSettings;
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
            "For passwordeval (msmtp), PassCmd (mbsync), git send-email and curl."},
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail token me@gmail.com                  # e.g. msmtp's passwordeval",
            "  oauthmail token me@gmail.com --format xoauth2 --base64",
            "  oauthmail token work --format json"})
public final class TokenCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @Parameters(paramLabel = "ACCOUNT", description = HelpText.ACCOUNT)
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
        TokenSet tokens = cachedIfValid(context, account)
                .orElseGet(() -> context.tokens().validTokens(AccountResolver.withSecret(settings)));
        String output;
        try {
            output = TokenOutput.format(account, tokens, format, base64, context.clock().instant());
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(root.spec().commandLine().getSubcommands().get("token"),
                    e.getMessage());
        }
        context.out().println(output);
        context.out().flush();
        return ExitCodes.OK;
    }

    /** The stored tokens when the access token is good for at least the refresh margin: no lock, no network. */
    private static Optional<TokenSet> cachedIfValid(CliContext context, Account account) {
        return context.store().load(account.name())
                .filter(t -> !t.needsRefresh(context.config().refreshMargin(), context.clock().instant()));
    }
}
