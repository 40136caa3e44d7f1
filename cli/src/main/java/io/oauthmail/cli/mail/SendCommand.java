package io.oauthmail.cli.mail;

import io.oauthmail.cli.HelpText;
import io.oauthmail.MailFailure;
import io.oauthmail.OAuthMailException;
import io.oauthmail.account.Account;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.MimeComposer;
import io.oauthmail.mail.Sender;
import io.oauthmail.mail.SizeLimits;
import io.oauthmail.mail.SmtpSender;
import io.oauthmail.mail.rest.GmailApiSender;
import io.oauthmail.mail.rest.GraphSender;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code oauthmail send ACCOUNT}: composes and sends. One message to all recipients, or with
 * {@code --each-to LIST} one message per recipient over one connection, with progress on a terminal and a
 * summary on stderr. stdout gets the id of each sent message; the exit code is 1 if any message failed.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Compose and send mail: HTML with a text alternative, inline images, attachments, or a whole .eml.",
            "The body comes from --html/--text FILE (- for stdin), --eml FILE, or stdin as text."},
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail send me@gmail.com --to you@example.com --subject Report \\",
            "      --html report.html --inline logo=logo.png --attach \"Q3 report.pdf\"",
            "  echo Hello | oauthmail send me@gmail.com --to you@example.com --subject Hello",
            "  oauthmail send me@gmail.com --each-to team.txt --subject Hi \\",
            "      --text note.txt > ids.txt",
            "  oauthmail send work --via graph --eml message.eml     # where SMTP AUTH is off"})
public final class SendCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ACCOUNT", description = HelpText.ACCOUNT)
    String name;

    @Mixin
    MessageOptions message;

    @Option(names = "--each-to", paramLabel = "LIST",
            description = "A file with one address per line (# comments allowed): one message to each, over one connection.")
    Path eachTo;

    @Option(names = "--via", defaultValue = "smtp", paramLabel = "smtp|gmail-api|graph", converter = Via.Converter.class,
            description = "One of ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    Via via;

    @Option(names = "--dry-run", description = "Compose and print the message on stdout; send nothing, contact no server.")
    boolean dryRun;

    @Option(names = "--progress", negatable = true,
            description = "With --each-to: a progress bar on stderr (default: when stderr is a terminal and TERM is not dumb).")
    Boolean progress;

    @Override
    public Integer call() {
        CliContext context = root.context();
        Account account = dryRun ? AccountResolver.withoutSecret(context.account(name))
                : AccountResolver.withSecret(context.account(name));
        ViaCheck.require(via, account, spec);
        Session session = Session.getInstance(new java.util.Properties());
        List<MimeMessage> messages = new ArrayList<>();
        for (List<String> recipients : recipientGroups()) {
            messages.add(message.compose(session, account, recipients, context.in()));
        }
        for (MimeMessage m : messages) {
            long size = MimeComposer.encodedSize(m);
            if (via == Via.SMTP) {
                SizeLimits.requireSmtpFits(account, size);
            }
        }
        if (dryRun) {
            return printDryRun(context, messages);
        }
        try (Sender sender = sender(context)) {
            return sendAll(context, account, sender, messages);
        }
    }

    private List<List<String>> recipientGroups() {
        if (eachTo == null) {
            return List.of(List.of()); // the recipients of the options
        }
        List<List<String>> groups = new ArrayList<>();
        for (String address : AddressList.read(eachTo)) {
            groups.add(List.of(address));
        }
        if (groups.isEmpty()) {
            throw new OAuthMailException(eachTo + " lists no address", "one address per line; lines starting with # are ignored");
        }
        return groups;
    }

    private Sender sender(CliContext context) {
        return switch (via) {
            case SMTP -> new SmtpSender(new MailSessions(context.tokens(), Duration.ofSeconds(60)));
            case GMAIL_API -> new GmailApiSender(context.tokens());
            case GRAPH -> new GraphSender(context.store(), context.clock());
        };
    }

    private int sendAll(CliContext context, Account account, Sender sender, List<MimeMessage> messages) {
        Progress progress = new Progress(context.err(), messages.size(), messages.size() > 1
                && StderrTerminal.showProgress(this.progress, context.env(), () -> root.ownsProcess() && StderrTerminal.isTerminal()));
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        int sent = 0;
        for (MimeMessage m : messages) {
            try {
                context.out().println(sender.send(account, m));
                context.out().flush();
                sent++;
            } catch (MailFailure e) {
                failures.add(recipients(m) + ": " + e.getMessage());
                if (messages.size() == 1) {
                    throw e;
                }
            }
            progress.step(sent, failures.size());
        }
        progress.done();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (messages.size() > 1 || !failures.isEmpty()) {
            context.err().printf("sent %d, failed %d, %.1f s%n", sent, failures.size(), seconds);
            failures.forEach(f -> context.err().println("  failed " + f));
        }
        return failures.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static int printDryRun(CliContext context, List<MimeMessage> messages) {
        PrintWriter out = context.out();
        for (MimeMessage m : messages) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            try {
                m.writeTo(raw);
            } catch (Exception e) {
                throw new OAuthMailException("cannot write the message: " + e.getMessage(), null, e);
            }
            out.print(raw.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
            out.println();
            context.err().println("dry run: not sent; " + MimeComposer.encodedSize(m) + " bytes to " + recipients(m));
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String recipients(MimeMessage m) {
        try {
            jakarta.mail.Address[] all = m.getAllRecipients();
            return all == null ? "(no recipients)" : String.join(", ", java.util.Arrays.stream(all).map(Object::toString).toList());
        } catch (jakarta.mail.MessagingException e) {
            return "(unreadable recipients)";
        }
    }

}
