package io.oauthmail.cli.accounts;

import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.PasswordInput;
import io.oauthmail.server.proxy.LocalPasswords;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail accounts set-local-password ACCOUNT}: the password legacy clients give the proxy. */
@Command(name = "set-local-password", mixinStandardHelpOptions = true,
        description = {"Set the local password that programs without OAuth use to log in to oauthmail serve's proxy.",
            "Read from stdin when it is not a terminal (first line). Stored only as a salted slow hash;",
            "it is not your provider's password and not the token store's key."},
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail accounts set-local-password me@gmail.com   # asks for it twice",
            "  pass show oauthmail/local | oauthmail accounts set-local-password me@gmail.com"})
final class AccountsSetLocalPasswordCommand implements Callable<Integer> {

    @ParentCommand
    AccountsCommand parent;

    @Parameters(paramLabel = "ACCOUNT", description = HelpText.ACCOUNT)
    String name;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        context.account(name); // a clear error if there is no such account
        char[] password = PasswordInput.read(context, "local password",
                "echo 'the password' | oauthmail accounts set-local-password ACCOUNT");
        try {
            new LocalPasswords(context.paths().localPasswordsFile()).set(name, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        context.err().println("local password of " + name + " set; clients log in to the proxy as " + name);
        return ExitCodes.OK;
    }
}
