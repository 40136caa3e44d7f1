package io.oauthmail.cli.queue;

import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail queue retry ID|--all}: due now; a held account's messages stay held until it logs in again. */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = "Make a deferred message (or, with --all, every one) due now, so the workers try it at once. "
                + "Messages of an account that lost its grant stay held until it logs in again.",
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail queue retry 00062a1b2c3d4e5f",
            "  oauthmail queue retry --all"})
final class QueueRetryCommand implements Callable<Integer> {

    @ParentCommand
    QueueCommand parent;

    @ArgGroup(multiplicity = "1")
    Which which;

    /** One message or all of them, never both. */
    static final class Which {
        @Parameters(paramLabel = "ID", description = QueueCommand.ID, converter = QueueCommand.IdConverter.class)
        MessageId id;

        @Option(names = "--all", description = "Every queued message.")
        boolean all;
    }

    @Override
    public Integer call() {
        CliContext context = parent.context();
        PrintWriter out = context.out();
        if (which.all) {
            QueueAccess.RetriedAll retried = QueueCommand.with(context, QueueAccess::retryAll);
            out.println(retried.moved() + " message(s) due now" + (retried.held() == 0 ? ""
                    : "; " + retried.held() + " held until their account logs in again (see: oauthmail queue list)"));
        } else {
            Entry entry = QueueCommand.with(context, queue -> queue.retry(which.id)).orElseThrow(() -> QueueCommand.unknown(which.id));
            out.println(entry.heldBecause().map(why -> "message " + entry.id() + " stays held: " + why
                    + "\n  it goes once the account logs in again: oauthmail login " + entry.envelope().account())
                    .orElse("message " + entry.id() + " is due now"));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
