package io.oauthmail.cli.accounts;

import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.OAuthMailCli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail accounts [list|show|add|remove]}: list by default, {@code --json} as for list. */
@Command(name = "accounts", mixinStandardHelpOptions = true,
        description = "List, show, add and remove accounts (the config file is edited for you).",
        subcommands = {AccountsListCommand.class, AccountsShowCommand.class, AccountsAddCommand.class,
            AccountsRemoveCommand.class, AccountsSetLocalPasswordCommand.class},
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail accounts",
            "  oauthmail accounts --json",
            "  oauthmail accounts show me@gmail.com",
            "  oauthmail help accounts add"})
public final class AccountsCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @Option(names = "--json", description = "As accounts list --json: one JSON object per account and line (no tokens).")
    boolean json;

    CliContext context() {
        return root.context();
    }

    @Override
    public Integer call() {
        return new AccountsListCommand().list(context(), json);
    }
}
