package io.oauthmail.cli.login;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.oauth.Revocation;
import io.oauthmail.store.AccountKeys;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code oauthmail logout ACCOUNT}: revokes the grant at the provider where it has a revocation endpoint
 * (RFC 7009; Google), then deletes the stored tokens. The account stays in the config for the next login.
 */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Revoke the account's grant at the provider where possible, then delete its stored tokens.",
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail logout me@gmail.com"})
public final class LogoutCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @Parameters(paramLabel = "ACCOUNT", description = HelpText.ACCOUNT)
    String name;

    @Override
    public Integer call() {
        CliContext context = root.context();
        Account account = AccountResolver.withSecret(context.account(name));
        Optional<TokenSet> tokens = context.store().load(name);
        if (tokens.isEmpty()) {
            context.err().println("account " + name + " was not logged in; nothing to revoke or delete");
            return ExitCodes.OK;
        }
        Revocation.Outcome outcome = Revocation.revoke(account, tokens.get(), Duration.ofSeconds(15));
        if (outcome.endpoint().isEmpty()) {
            context.err().println(account.provider().name() + " has no revocation endpoint; the grant stays valid until it "
                    + "expires or you remove the app's access in your account's security settings");
        } else {
            String host = outcome.endpoint().get().getHost();
            context.err().println(outcome.revoked() ? "revoked the grant at " + host
                    : "could not revoke at " + host + " (" + outcome.problem() + "); the tokens are deleted here "
                            + "anyway; remove the app's access in your account's security settings to be sure");
        }
        AccountKeys.deleteAll(context.store(), name); // its tokens, and the Graph token kept beside them
        context.err().println("deleted the stored tokens of " + name);
        return ExitCodes.OK;
    }
}
