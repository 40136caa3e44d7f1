package io.oauthmail.mail;

import io.oauthmail.error.OAuthMailException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A message to send, built fluently and immutable: every method returns a new {@code Email}.
 *
 * <pre>{@code
 * Email.to("José Müller <jose@example.com>").cc("team@example.com")
 *      .subject("Rapport für März")
 *      .html("<img src=\"cid:logo\"><p>Hello</p>").inline("logo", Path.of("logo.png"))
 *      .attach(Path.of("report.pdf"));
 * }</pre>
 *
 * The plain-text alternative is made from the HTML unless {@link #text(String)} gives one. Values that are
 * wrong on their own (a line break in the subject or a header, a reserved header, a malformed cid) are refused
 * here; addresses, files and the cid references between HTML and inline parts are checked by
 * {@link MimeComposer} when the message is built.
 */
public final class Email {

    private List<String> to;
    private List<String> cc = List.of();
    private List<String> bcc = List.of();
    private List<String> replyTo = List.of();
    private String subject = "";
    private String html;
    private String text;
    private Map<String, PartSource> inline = Map.of();
    private List<PartSource> attachments = List.of();
    private List<MailHeader> headers = List.of();

    private Email(List<String> to) {
        this.to = to;
    }

    /**
     * Starts a message to zero or more recipients. None is allowed here so that a message can go to Cc or Bcc
     * only; composing one without any recipient is refused.
     */
    public static Email to(String... recipients) {
        return new Email(copy(recipients));
    }

    /** This message with {@code recipients} as its To recipients instead (e.g. one message per recipient). */
    public Email withTo(String... recipients) {
        List<String> replaced = copy(recipients);
        return with(e -> e.to = replaced);
    }

    /** Adds Cc recipients, each one address such as {@code "Name <name@example.com>"}. */
    public Email cc(String... recipients) {
        return with(e -> e.cc = append(cc, recipients));
    }

    /** Adds Bcc recipients: they receive the message, but no header of it names them. */
    public Email bcc(String... recipients) {
        return with(e -> e.bcc = append(bcc, recipients));
    }

    /** Adds addresses that replies should go to instead of the sender. */
    public Email replyTo(String... addresses) {
        return with(e -> e.replyTo = append(replyTo, addresses));
    }

    /** The subject, any Unicode text on one line. */
    public Email subject(String value) {
        Objects.requireNonNull(value, "subject");
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new OAuthMailException("the subject contains a line break: " + MailHeader.visible(value),
                    "a subject is one line; remove the line breaks");
        }
        return with(e -> e.subject = value);
    }

    /** The HTML body; a plain-text alternative is derived from it unless {@link #text(String)} gives one. */
    public Email html(String value) {
        Objects.requireNonNull(value, "html");
        return with(e -> e.html = value);
    }

    /** The plain-text body: the only body without {@link #html(String)}, else the HTML's alternative. */
    public Email text(String value) {
        Objects.requireNonNull(value, "text");
        return with(e -> e.text = value);
    }

    /**
     * Adds an image (or any part) that the HTML shows as {@code <img src="cid:CID">}; its content type is
     * detected from the file. The HTML must reference every inline part and every referenced cid must exist.
     */
    public Email inline(String cid, Path file) {
        return addInline(cid, PartSource.file(file, null));
    }

    /** Adds an inline part from bytes, e.g. {@code inline("logo", png, "image/png")}. */
    public Email inline(String cid, byte[] bytes, String contentType) {
        Objects.requireNonNull(contentType, "contentType");
        return addInline(cid, PartSource.bytes(cid, bytes, contentType));
    }

    /** Attaches a file under its own name, with its content type detected. */
    public Email attach(Path file) {
        PartSource source = PartSource.file(file, null);
        return with(e -> e.attachments = append(attachments, source));
    }

    /** Attaches bytes as {@code fileName}; a null {@code contentType} is detected from the name. */
    public Email attach(String fileName, byte[] bytes, String contentType) {
        PartSource source = PartSource.bytes(fileName, bytes, contentType);
        return with(e -> e.attachments = append(attachments, source));
    }

    /**
     * Adds a header such as {@code X-Campaign} or {@code List-Unsubscribe}. Headers the composer writes itself
     * (From, To, Cc, Bcc, Subject, Date, Message-ID, MIME-Version, Content-*) and values with line breaks are
     * refused. A header given twice is written twice.
     */
    public Email header(String name, String value) {
        MailHeader header = new MailHeader(name, value);
        return with(e -> e.headers = append(headers, header));
    }

    /** The To recipients. */
    public List<String> recipients() {
        return to;
    }

    public String subject() {
        return subject;
    }

    /** The HTML body, or null for a text-only message. */
    public String htmlBody() {
        return html;
    }

    /** The plain-text body as given, or null when it is to be derived from the HTML. */
    public String textBody() {
        return text;
    }

    List<String> ccRecipients() {
        return cc;
    }

    List<String> bccRecipients() {
        return bcc;
    }

    List<String> replyToAddresses() {
        return replyTo;
    }

    /** Inline parts by cid, in the order they were added. */
    Map<String, PartSource> inlineParts() {
        return inline;
    }

    List<PartSource> attachments() {
        return attachments;
    }

    List<MailHeader> headers() {
        return headers;
    }

    private Email addInline(String cid, PartSource source) {
        String id = ContentIds.check(cid);
        if (inline.containsKey(id)) {
            throw new OAuthMailException("the inline cid \"" + id + "\" is given twice",
                    "give each inline part its own cid");
        }
        Map<String, PartSource> added = new LinkedHashMap<>(inline);
        added.put(id, source);
        return with(e -> e.inline = Collections.unmodifiableMap(added));
    }

    /** Copy on write: fields are only assigned here, before the copy escapes, so an Email never changes. */
    private Email with(Consumer<Email> change) {
        Email copy = new Email(to);
        copy.cc = cc;
        copy.bcc = bcc;
        copy.replyTo = replyTo;
        copy.subject = subject;
        copy.html = html;
        copy.text = text;
        copy.inline = inline;
        copy.attachments = attachments;
        copy.headers = headers;
        change.accept(copy);
        return copy;
    }

    private static List<String> copy(String[] values) {
        List<String> list = new ArrayList<>();
        for (String v : values) {
            list.add(Objects.requireNonNull(v, "recipient"));
        }
        return List.copyOf(list);
    }

    private static List<String> append(List<String> list, String[] values) {
        List<String> all = new ArrayList<>(list);
        all.addAll(copy(values));
        return List.copyOf(all);
    }

    private static <T> List<T> append(List<T> list, T value) {
        List<T> all = new ArrayList<>(list);
        all.add(value);
        return List.copyOf(all);
    }
}
