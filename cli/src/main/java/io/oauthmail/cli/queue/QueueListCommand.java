package io.oauthmail.cli.queue;

import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.server.relay.QueueJson;
import io.oauthmail.server.relay.RelayQueue.Entry;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail queue list}: one line per queued message and a summary; {@code --json} one object per line. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the queued messages, oldest first: id, account, sender, recipients, size, age, attempts, "
                + "next attempt, state (queued, deferred, held, delivering) and the last error; then a summary.",
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail queue list",
            "  oauthmail queue list --json > queue.jsonl"})
final class QueueListCommand implements Callable<Integer> {

    @ParentCommand
    QueueCommand parent;

    @Option(names = "--json", description = "One JSON object per message and line (never the content).")
    boolean json;

    @Override
    public Integer call() {
        return list(parent.context(), json || parent.json);
    }

    static int list(CliContext context, boolean json) {
        List<Entry> entries = QueueCommand.with(context, QueueAccess::list);
        PrintWriter out = context.out();
        if (json) {
            QueueJson lines = new QueueJson();
            entries.forEach(entry -> out.println(lines.write(entry)));
        } else {
            entries.forEach(entry -> out.println(QueueCommand.line(entry, context)));
            out.println(QueueLines.summary(entries, context.clock().instant()));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
