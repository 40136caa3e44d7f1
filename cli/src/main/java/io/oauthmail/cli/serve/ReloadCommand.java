package io.oauthmail.cli.serve;

import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.server.ControlClient;
import io.oauthmail.server.Daemon;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail reload}: the running daemon re-reads its config file, as on SIGHUP. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Make the running oauthmail serve re-read its config file, as SIGHUP does.",
            "Accounts, hooks and proxy listeners change; open proxy sessions go on. A file with a mistake is refused and the running configuration stays."},
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail reload",
            "  systemctl --user reload oauthmail   # the same, under systemd"})
public final class ReloadCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @Override
    public Integer call() {
        CliContext context = root.context();
        Path socket = Daemon.socketIn(context.paths().stateDir());
        ControlClient.Answer answer;
        try {
            answer = new ControlClient(socket).reload();
        } catch (IOException e) {
            throw new OAuthMailException("oauthmail serve is not running (no answer at " + socket + ")",
                    "start it: oauthmail serve");
        }
        if (answer.code() != 200) {
            throw new OAuthMailException("oauthmail serve kept its running configuration: " + answer.body().strip(), null);
        }
        context.out().print(answer.body());
        context.out().flush();
        return ExitCodes.OK;
    }
}
