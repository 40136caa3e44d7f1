package io.oauthmail.cli.mail;

import io.oauthmail.account.Account;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.mail.Email;
import io.oauthmail.mail.MimeComposer;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The message a {@code send} composes: recipients, subject, body, attachments, inline images, headers. */
public final class MessageOptions {

    /** The command these options belong to, so a wrong combination is reported as its usage error. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--to", paramLabel = "ADDR", description = "A recipient (repeat, or separate with commas).", split = ",")
    List<String> to = new ArrayList<>();

    @Option(names = "--cc", paramLabel = "ADDR", split = ",", description = "A copy recipient (repeat, or separate with commas).")
    List<String> cc = new ArrayList<>();

    @Option(names = "--bcc", paramLabel = "ADDR", split = ",", description = "Blind copies: in the envelope, never in the headers.")
    List<String> bcc = new ArrayList<>();

    @Option(names = "--reply-to", paramLabel = "ADDR", split = ",",
            description = "Where replies should go, if not to the sender (repeat, or separate with commas).")
    List<String> replyTo = new ArrayList<>();

    @Option(names = "--subject", paramLabel = "TEXT", description = "The subject (required unless --eml); any language, sent as UTF-8.")
    String subject;

    @Option(names = "--html", paramLabel = "FILE", description = "The HTML body (- for stdin); a text alternative is made from it.")
    String html;

    @Option(names = "--text", paramLabel = "FILE", description = "The plain-text body (- for stdin), or the alternative to --html.")
    String text;

    @Option(names = "--eml", paramLabel = "FILE", description = "Send this whole message (- for stdin) as it is.")
    String eml;

    @Option(names = "--attach", paramLabel = "FILE", description = "An attachment (repeatable); its type is detected.")
    List<Path> attachments = new ArrayList<>();

    @Option(names = "--inline", paramLabel = "CID=FILE", description = "An inline image the HTML shows with <img src=\"cid:CID\"> (repeatable).")
    List<String> inline = new ArrayList<>();

    @Option(names = "--header", paramLabel = "NAME=VALUE", description = "A custom header (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = "--charset", paramLabel = "NAME", converter = BodyCharset.class,
            description = "The charset of the --html and --text files and of stdin, e.g. ISO-8859-1 (default UTF-8). "
                    + "The message is sent as UTF-8 either way.")
    Charset charset = StandardCharsets.UTF_8;

    /** Makes the message for a list of To recipients; for --each-to, one per address. */
    interface Composer {
        /** The message to {@code overrideTo}, or to the --to recipients when it is empty. */
        MimeMessage compose(List<String> overrideTo);
    }

    /**
     * Reads the message's parts once (stdin, body files) and returns what composes it for {@code account}:
     * once, or with {@code eachTo}, once per recipient of the list, every message alike but for its To.
     */
    Composer composer(Session session, Account account, boolean eachTo, InputStream stdin) {
        if (eml != null) {
            if (!to.isEmpty() || !cc.isEmpty() || !bcc.isEmpty() || subject != null || html != null || text != null
                    || !attachments.isEmpty() || !inline.isEmpty() || !headers.isEmpty() || eachTo
                    || !charset.equals(StandardCharsets.UTF_8)) {
                throw usage("--eml sends a whole message as it is; it cannot be combined with other message options"
                        + (eachTo ? " or --each-to" : ""), "edit the .eml instead, or compose with --to, --subject, --html ...");
            }
            MimeMessage whole = eml.equals("-") ? MimeComposer.fromEml(session, stdin) : MimeComposer.fromEml(session, Path.of(eml));
            return overrideTo -> whole;
        }
        if (eachTo && !to.isEmpty()) {
            throw usage("give either --to or --each-to, not both", null);
        }
        MimeComposer.requireAddress(account); // every message would fail alike: say so once, before reading anything
        Email template = template(stdin);
        AtomicBoolean noted = new AtomicBoolean(); // every message has the same attachments: said once
        return overrideTo -> {
            MimeMessage message = MimeComposer.compose(session, account,
                    overrideTo.isEmpty() ? template : template.withTo(overrideTo.toArray(String[]::new)));
            if (!noted.getAndSet(true)) {
                AttachmentCharsets.note(message, command.commandLine().getErr());
            }
            return message;
        };
    }

    private Email template(InputStream stdin) {
        if (subject == null) {
            throw usage("no --subject given", "add --subject \"...\" (or send a whole message with --eml FILE)");
        }
        if ("-".equals(html) && "-".equals(text)) {
            throw usage("only one of --html and --text can read stdin", null);
        }
        Email email = Email.to(to.toArray(String[]::new)).subject(subject);
        if (!cc.isEmpty()) {
            email = email.cc(cc.toArray(String[]::new));
        }
        if (!bcc.isEmpty()) {
            email = email.bcc(bcc.toArray(String[]::new));
        }
        if (!replyTo.isEmpty()) {
            email = email.replyTo(replyTo.toArray(String[]::new));
        }
        if (html != null) {
            email = email.html(read(html, stdin));
        }
        if (text != null || html == null) {
            email = email.text(text != null ? read(text, stdin) : read("-", stdin));
        }
        for (Path file : attachments) {
            email = email.attach(file);
        }
        for (String item : inline) {
            String[] cidAndFile = split(item, "--inline", "CID=FILE");
            email = email.inline(cidAndFile[0], Path.of(cidAndFile[1]));
        }
        for (String item : headers) {
            String[] nameAndValue = split(item, "--header", "NAME=VALUE");
            email = email.header(nameAndValue[0], nameAndValue[1]);
        }
        return email;
    }

    private static String[] split(String item, String option, String form) {
        int eq = item.indexOf('=');
        if (eq <= 0 || eq == item.length() - 1) {
            throw new OAuthMailException(option + " takes " + form + ", not '" + item + "'", null);
        }
        return new String[] {item.substring(0, eq), item.substring(eq + 1)};
    }

    private String read(String source, InputStream stdin) {
        String name = source.equals("-") ? "stdin" : source;
        byte[] bytes;
        try {
            bytes = source.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(source));
        } catch (IOException e) {
            throw new OAuthMailException("cannot read the message body from " + name + ": " + e.getMessage(),
                    "give a readable file (- for stdin)", e);
        }
        return BodyCharset.decode(bytes, charset, name);
    }

    /** A wrong combination of options: picocli prints it with the usage, and the exit code is the usage one. */
    private ParameterException usage(String message, String hint) {
        return new ParameterException(command.commandLine(), hint == null ? message : message + ": " + hint);
    }
}
