package io.oauthmail.cli.queue;

import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail queue delete ID}: removed without delivery; it says what it removed. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Remove a queued message without delivering it (no bounce is sent). It asks for no confirmation "
                + "and prints what it removed; a message being sent right now cannot be deleted.",
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail queue delete 00062a1b2c3d4e5f"})
final class QueueDeleteCommand implements Callable<Integer> {

    @ParentCommand
    QueueCommand parent;

    @Parameters(paramLabel = "ID", description = QueueCommand.ID, converter = QueueCommand.IdConverter.class)
    MessageId id;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        QueueAccess.Deleted deleted = QueueCommand.with(context, queue -> queue.delete(id));
        if (deleted.deliveringBy().isPresent()) {
            throw new TemporaryFailure("message " + id + " is being delivered right now (by " + deleted.deliveringBy().get()
                    + "), so it was not deleted", "if it is still queued after this attempt: oauthmail queue delete " + id, null);
        }
        context.out().println("deleted " + QueueCommand.line(deleted.removed().orElseThrow(() -> QueueCommand.unknown(id)), context));
        context.out().flush();
        return ExitCodes.OK;
    }
}
