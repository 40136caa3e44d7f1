package io.oauthmail.cli.queue;

import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.server.relay.QueueJson;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail queue show ID [--content]}: the envelope and delivery state; the message itself only if asked. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show one queued message: envelope, every recipient, attempts, next attempt, last error, why it is "
                + "held. Its content is printed only with --content.",
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail queue show 00062a1b2c3d4e5f",
            "  oauthmail queue show 00062a1b2c3d4e5f --content > message.eml"})
final class QueueShowCommand implements Callable<Integer> {

    @ParentCommand
    QueueCommand parent;

    @Parameters(paramLabel = "ID", description = QueueCommand.ID, converter = QueueCommand.IdConverter.class)
    MessageId id;

    @Option(names = "--content", description = "Print the message itself (as the client sent it) to stdout, and nothing else.")
    boolean content;

    @Option(names = "--json", description = "The message as one JSON object, as queue list --json prints it.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        CliContext context = parent.context();
        Shown shown = QueueCommand.with(context, queue -> {
            Optional<Entry> entry = queue.find(id);
            return new Shown(entry, content && entry.isPresent() ? queue.content(id) : null);
        });
        Entry entry = shown.entry().orElseThrow(() -> QueueCommand.unknown(id));
        if (content) {
            context.out().flush();
            OutputStream stdout = context.stdout();
            if (stdout != null) {
                stdout.write(shown.content());
                stdout.flush();
            } else { // a caller that gave only a Writer (tests, a host program): the text as UTF-8
                context.out().print(new String(shown.content(), StandardCharsets.UTF_8));
            }
        } else if (json) {
            context.out().println(new QueueJson().write(entry));
        } else {
            QueueLines.show(entry, context.clock().instant()).forEach(context.out()::println);
        }
        context.out().flush();
        return ExitCodes.OK;
    }

    private record Shown(Optional<Entry> entry, byte[] content) {
    }
}
