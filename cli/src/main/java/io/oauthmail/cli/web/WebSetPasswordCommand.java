package io.oauthmail.cli.web;

import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.PasswordInput;
import io.oauthmail.server.web.AdminPassword;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail web set-password}: the web console's admin password. */
@Command(name = "set-password", mixinStandardHelpOptions = true,
        description = {"Set the admin password of the web console (oauthmail serve --web).",
            "Read from stdin when it is not a terminal (first line). Stored only as a salted slow hash, like the",
            "proxy's local passwords; a running console takes the new one at its next login."},
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail web set-password   # asks for it twice",
            "  pass show oauthmail/web | oauthmail web set-password"})
final class WebSetPasswordCommand implements Callable<Integer> {

    @ParentCommand
    WebCommand parent;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        char[] password = PasswordInput.read(context, "admin password", "echo 'the password' | oauthmail web set-password");
        try {
            AdminPassword.set(context.paths().stateDir(), password);
        } finally {
            Arrays.fill(password, '\0');
        }
        context.err().println("admin password of the web console set; start it with oauthmail serve --web 127.0.0.1:8025");
        return ExitCodes.OK;
    }
}
