package io.oauthmail.cli.mail;

import io.oauthmail.account.Account;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.error.MailFailure;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.MimeComposer;
import io.oauthmail.mail.Sender;
import io.oauthmail.mail.SizeLimits;
import io.oauthmail.mail.SmtpPool;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

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

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ACCOUNT", description = HelpText.ACCOUNT)
    String name;

    @Mixin
    MessageOptions message;

    @Option(names = "--each-to", paramLabel = "LIST",
            description = "A file with one address per line (# comments allowed): one message to each, streamed as the list is read; see --connections.")
    Path eachTo;

    @Option(names = "--via", defaultValue = "smtp", paramLabel = "smtp|gmail-api|graph", converter = Via.Converter.class,
            description = "One of ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    Via via;

    @Option(names = "--dry-run", description = "Compose and print the message on stdout; send nothing, contact no server.")
    boolean dryRun;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "1",
            description = "With --each-to: send over N connections at once (1 to 32; default ${DEFAULT-VALUE}). "
                    + "Providers limit simultaneous sessions (Gmail about 10), so stay below that.")
    int connections;

    @Option(names = "--progress", negatable = true,
            description = "With --each-to: a progress bar on stderr (default: when stderr is a terminal and TERM is not dumb).")
    Boolean progress;

    @Override
    public Integer call() {
        CliContext context = root.context();
        if (connections < 1 || connections > 32) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--connections takes 1 to 32, not " + connections);
        }
        Account account = dryRun ? AccountResolver.withoutSecret(context.account(name))
                : AccountResolver.withSecret(context.account(name));
        ViaCheck.require(via, account, spec);
        Session session = Session.getInstance(new java.util.Properties());
        MessageOptions.Composer composer = message.composer(session, account, eachTo != null, context.in());
        java.util.function.Consumer<MimeMessage> checkSize = m -> {
            if (via == Via.SMTP) {
                SizeLimits.requireSmtpFits(account, MimeComposer.encodedSize(m));
            }
        };
        if (eachTo == null) {
            MimeMessage single = composer.compose(List.of());
            checkSize.accept(single);
            if (dryRun) {
                return printDryRun(context, single);
            }
            try (Sender sender = sender(context)) {
                context.out().println(sender.send(account, single));
                context.out().flush();
                return ExitCodes.OK;
            }
        }
        if (dryRun) {
            try (AddressList addresses = AddressList.open(eachTo)) {
                if (!addresses.hasNext()) {
                    throw EachToSend.empty(eachTo);
                }
                while (addresses.hasNext()) {
                    printDryRun(context, composer.compose(List.of(addresses.next())));
                }
            }
            return ExitCodes.OK;
        }
        try (Sender sender = sender(context)) {
            return new EachToSend(context, account, sender, connections, address -> composer.compose(List.of(address)), checkSize)
                    .run(eachTo, StderrTerminal.showProgress(progress, context.env(),
                            () -> root.ownsProcess() && StderrTerminal.isTerminal()), root.ownsProcess());
        }
    }

    private Sender sender(CliContext context) {
        return switch (via) {
            case SMTP -> new SmtpPool(new MailSessions(context.tokens(), Duration.ofSeconds(60)), connections);
            case GMAIL_API -> new GmailApiSender(context.tokens());
            case GRAPH -> new GraphSender(context.store(), context.clock());
        };
    }

    private static int printDryRun(CliContext context, MimeMessage m) {
        PrintWriter out = context.out();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try {
            m.writeTo(raw);
        } catch (Exception e) {
            throw new OAuthMailException("cannot write the message: " + e.getMessage(), null, e);
        }
        out.print(raw.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
        out.println();
        out.flush();
        context.err().println("dry run: not sent; " + MimeComposer.encodedSize(m) + " bytes to " + recipients(m));
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
