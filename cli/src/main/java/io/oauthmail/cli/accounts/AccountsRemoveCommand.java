package io.oauthmail.cli.accounts;

import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.config.ConfigWriter;
import io.oauthmail.store.AccountKeys;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail accounts remove NAME}: forgets the account and its tokens (use logout to revoke first). */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove an account from the config file and delete its stored tokens. "
                + "To revoke the grant at the provider too, run oauthmail logout ACCOUNT first.",
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail logout work           # first, to revoke the grant at the provider",
            "  oauthmail accounts remove work"})
final class AccountsRemoveCommand implements Callable<Integer> {

    @ParentCommand
    AccountsCommand parent;

    @Parameters(paramLabel = "ACCOUNT", description = HelpText.ACCOUNT)
    String name;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        context.account(name); // a clear error if there is no such account
        AccountKeys.deleteAll(context.store(), name); // with the Graph token kept beside its tokens
        ConfigWriter.removeAccount(context.config().file(), name);
        context.configChanged();
        context.err().println("removed account " + name + " and its tokens from " + context.config().file());
        return ExitCodes.OK;
    }
}
