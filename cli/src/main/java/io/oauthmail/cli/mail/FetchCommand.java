package io.oauthmail.cli.mail;

import io.oauthmail.account.Account;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.Json;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.mail.Fetched;
import io.oauthmail.mail.InboxReader;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.MessageSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code oauthmail fetch ACCOUNT}: lists messages over IMAP; {@code --new} only what arrived since the last --new. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {"List the messages of a folder over IMAP (read-only: nothing is marked as seen).",
            "--new shows only what arrived since the last fetch --new (UIDVALIDITY and the last UID are kept,",
            "so a mailbox that was reset is noticed, not misread)."},
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail fetch me@gmail.com",
            "  oauthmail fetch me@gmail.com --new --format json   # only what is new",
            "  oauthmail fetch me@gmail.com --folder Archive --limit 5 --format eml > 5.mbox"})
public final class FetchCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ACCOUNT", description = HelpText.ACCOUNT)
    String name;

    @Option(names = "--folder", defaultValue = "INBOX", paramLabel = "NAME", description = "The folder to list (default: ${DEFAULT-VALUE}).")
    String folder;

    @Option(names = "--new", description = "Only messages that arrived since the last fetch --new of this folder.")
    boolean onlyNew;

    @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = {"At most N messages (default ${DEFAULT-VALUE}): the newest;",
        "with --new the oldest not shown yet, so the next --new shows the rest."})
    int limit;

    @Option(names = "--format", defaultValue = "summary", paramLabel = "summary|json|eml", converter = FetchFormat.Converter.class,
            description = "summary (a table), json (one object per line: uid, date, from, subject, message_id, size, parts) "
                    + "or eml (the raw messages, mbox-separated).")
    FetchFormat format;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, but was " + limit);
        }
        CliContext context = root.context();
        Account account = AccountResolver.withSecret(context.account(name));
        Path stateFile = FetchState.file(context.paths().stateDir(), account.name(), folder);
        FetchState state = onlyNew ? FetchState.read(stateFile) : FetchState.NONE;
        Fetched fetched = new InboxReader(new MailSessions(context.tokens(), Duration.ofSeconds(30)))
                .fetch(account, folder, state.uidValidity(), state.lastUid(), limit,
                        // with --new, the newest N would skip the older new ones for good: the state moves past them
                        onlyNew ? InboxReader.Pick.OLDEST : InboxReader.Pick.NEWEST, format == FetchFormat.EML);
        if (fetched.folderReset()) {
            context.err().println("note: " + folder + " of " + account.name() + " was reset (its UIDVALIDITY changed from "
                    + state.uidValidity() + " to " + fetched.uidValidity() + "): showing it afresh");
        }
        print(context, fetched);
        if (onlyNew) {
            new FetchState(fetched.uidValidity(), fetched.lastUid(fetched.folderReset() ? 0 : state.lastUid())).write(stateFile);
        }
        context.err().println(fetched.messages().size() + (onlyNew ? " new" : "") + " message(s) in " + folder
                + (onlyNew && fetched.left() > 0 ? " (" + fetched.left() + " more: run fetch --new again)" : ""));
        return ExitCodes.OK;
    }

    private void print(CliContext context, Fetched fetched) {
        PrintWriter out = context.out();
        for (Fetched.Message message : fetched.messages()) {
            MessageSummary m = message.summary();
            switch (format) {
                case JSON -> out.println(Json.object("uid", m.uid(), "date", message.sent() == null ? null : message.sent().toString(),
                        "from", m.from(), "subject", m.subject(), "message_id", m.messageId(), "size", m.size(), "parts", m.parts()));
                case EML -> {
                    // bytes, not text: a body in ISO-8859-1 (or any charset) must come out as it was stored
                    out.flush();
                    try {
                        Mbox.write(context.stdout(), message.sent(), message.raw());
                        context.stdout().flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write to stdout", e);
                    }
                }
                default -> out.printf("%6d  %-20s  %-30s  %s  (%d bytes, %s)%n", m.uid(),
                        message.sent() == null ? "-" : message.sent().toString().substring(0, 16).replace('T', ' '),
                        clip(m.from(), 30), m.subject() == null ? "(no subject)" : m.subject(), m.size(), String.join(" + ", m.parts()));
            }
        }
        out.flush();
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }
}
