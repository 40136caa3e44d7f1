package io.oauthmail.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A message to send, built fluently: {@code Email.to("you@example.com").subject("Hi").html("<b>Hello</b>")}.
 * The plain-text alternative is made from the HTML unless one is given.
 */
public final class Email {

    private final List<String> to;
    private final String subject;
    private final String html;
    private final String text;

    private Email(List<String> to, String subject, String html, String text) {
        this.to = List.copyOf(to);
        this.subject = subject;
        this.html = html;
        this.text = text;
    }

    /** Starts a message to one or more recipients. */
    public static Email to(String... recipients) {
        if (recipients.length == 0) {
            throw new IllegalArgumentException("a message needs at least one recipient");
        }
        List<String> list = new ArrayList<>();
        for (String r : recipients) {
            list.add(Objects.requireNonNull(r, "recipient"));
        }
        return new Email(list, "", null, null);
    }

    public Email subject(String value) {
        return new Email(to, Objects.requireNonNull(value, "subject"), html, text);
    }

    /** The HTML body; a plain-text alternative is derived from it unless {@link #text(String)} gives one. */
    public Email html(String value) {
        return new Email(to, subject, Objects.requireNonNull(value, "html"), text);
    }

    public Email text(String value) {
        return new Email(to, subject, html, Objects.requireNonNull(value, "text"));
    }

    public List<String> recipients() {
        return to;
    }

    public String subject() {
        return subject;
    }

    public String htmlBody() {
        return html;
    }

    public String textBody() {
        return text;
    }
}
