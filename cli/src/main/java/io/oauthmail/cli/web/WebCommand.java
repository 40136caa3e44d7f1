package io.oauthmail.cli.web;

import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.OAuthMailCli;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code oauthmail web set-password}: the web console's settings (the console runs in {@code oauthmail serve --web}). */
@Command(name = "web", mixinStandardHelpOptions = true,
        description = {"Set up the web console that oauthmail serve --web HOST:PORT runs.",
            "The console shows every account's state, connects and re-authorizes accounts in the browser, and",
            "removes their tokens; it asks for the admin password set here."},
        subcommands = WebSetPasswordCommand.class,
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail web --help"})
public final class WebCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    CliContext context() {
        return root.context();
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return io.oauthmail.cli.ExitCodes.OK;
    }
}
