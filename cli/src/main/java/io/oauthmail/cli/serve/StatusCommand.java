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
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail status}: what the running daemon knows of each account. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Ask the running oauthmail serve for each account's state: token expiry, next refresh, problems; "
                + "and, while a relay runs, its queue's counts.",
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail status",
            "  oauthmail status --json"})
public final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @Option(names = "--json", description = "One JSON object per account, as the daemon sends them (first, when it serves"
            + " a web console, {\"web_console\": URL}; last, while a relay runs, {\"relay\": {\"queued\": N, \"deferred\": N,"
            + " \"held\": N, \"held_accounts\": [...], \"bytes\": N, \"oldest\": TIME, \"oldest_seconds\": N}}).")
    boolean json;

    @Override
    public Integer call() {
        CliContext context = root.context();
        Path socket = Daemon.socketIn(context.paths().stateDir());
        String answer;
        try {
            answer = new ControlClient(socket).status();
        } catch (IOException e) {
            throw new OAuthMailException("oauthmail serve is not running (no answer at " + socket + ")",
                    "start it: oauthmail serve   (or see oauthmail accounts for what is stored)");
        }
        if (json) {
            context.out().print(answer);
        } else {
            for (String line : answer.strip().split("\n")) {
                if (!line.isBlank()) {
                    context.out().println(StatusLine.format(line));
                }
            }
        }
        context.out().flush();
        return ExitCodes.OK;
    }
}
