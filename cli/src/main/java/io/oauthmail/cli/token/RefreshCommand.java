package io.oauthmail.cli.token;

import io.oauthmail.account.TokenSet;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.config.AccountResolver;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail refresh ACCOUNT}: refreshes now and prints the new expiry (never the token). */
@Command(name = "refresh", mixinStandardHelpOptions = true,
        description = "Refresh the account's access token now and print its new expiry.",
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail refresh me@gmail.com"})
public final class RefreshCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @Parameters(paramLabel = "ACCOUNT", description = HelpText.ACCOUNT)
    String name;

    @Override
    public Integer call() {
        CliContext context = root.context();
        TokenSet tokens = context.tokens().refresh(AccountResolver.withSecret(context.account(name)));
        long seconds = Duration.between(context.clock().instant(), tokens.expiresAt()).toSeconds();
        context.out().println("expires_at " + tokens.expiresAt() + " (in " + seconds + " s)");
        context.out().flush();
        return ExitCodes.OK;
    }
}
