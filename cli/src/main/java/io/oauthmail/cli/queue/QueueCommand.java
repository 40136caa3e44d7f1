package io.oauthmail.cli.queue;

import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

/** {@code oauthmail queue [list|show|retry|delete]}: list by default, {@code --json} as for list. */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "List, show, retry and delete the messages the relay keeps until they are delivered.",
        subcommands = {QueueListCommand.class, QueueShowCommand.class, QueueRetryCommand.class, QueueDeleteCommand.class},
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail queue",
            "  oauthmail queue --json",
            "  oauthmail queue show 00062a1b2c3d4e5f",
            "  oauthmail queue retry --all",
            "  oauthmail help queue delete"})
public final class QueueCommand implements Callable<Integer> {

    static final String ID = "The message's id, as oauthmail queue list shows it.";

    @ParentCommand
    OAuthMailCli root;

    @Option(names = "--json", description = "As queue list --json: one JSON object per message and line (never the content).")
    boolean json;

    CliContext context() {
        return root.context();
    }

    @Override
    public Integer call() {
        return QueueListCommand.list(context(), json);
    }

    /** What each subcommand does with the queue, however it is reached. */
    interface Action<T> {
        T on(QueueAccess queue) throws IOException;
    }

    /** Runs {@code action} on the queue, opened and closed around it; a failure of the queue is said plainly. */
    static <T> T with(CliContext context, Action<T> action) {
        try (QueueAccess queue = QueueAccess.open(context)) {
            return action.on(queue);
        } catch (IOException e) {
            throw new OAuthMailException("the relay queue failed: " + e.getMessage(),
                    "see what is queued: oauthmail queue list; the daemon's log says more (oauthmail serve)", e);
        }
    }

    /** An id the queue does not have: exit 1, and the command that shows what it has. */
    static OAuthMailException unknown(MessageId id) {
        return new OAuthMailException("no message " + id + " in the queue", "see what is queued: oauthmail queue list");
    }

    /** Prints {@code entry}'s line for a person. */
    static String line(Entry entry, CliContext context) {
        return QueueLines.line(entry, context.clock().instant());
    }

    /** A queue id on the command line; anything else is a usage error (exit 2). */
    static final class IdConverter implements ITypeConverter<MessageId> {
        @Override
        public MessageId convert(String value) {
            try {
                return new MessageId(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not a queue id (letters and digits, as oauthmail"
                        + " queue list shows them, e.g. 00062a1b2c3d4e5f)");
            }
        }
    }
}
