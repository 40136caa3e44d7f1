package io.oauthmail.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * A message that goes out exactly as it came in: a relay must not re-encode, re-fold or drop a header of mail it
 * accepted (a signature over the headers would break). Parsed only so that Angus's SMTP transport sees a
 * {@code MimeMessage}; {@link #writeTo} writes the original bytes, and the envelope sender and "send to the
 * recipients that were accepted" are set per message, which Angus's {@link SMTPMessage} allows. Public for the
 * REST senders ({@code GmailApiSender}, {@code GraphSender}), which upload what {@link #writeTo} writes.
 */
public final class RawMessage extends SMTPMessage {

    private final byte[] content;

    /**
     * @param session  any session (only parsing and the SMTP properties are used)
     * @param mailFrom the envelope sender; empty for the null sender {@code <>}
     * @param content  the message, CRLF line ends, not dot-stuffed; kept, not copied
     */
    public RawMessage(Session session, String mailFrom, byte[] content) throws MessagingException {
        super(session, new ByteArrayInputStream(content));
        this.content = content;
        // "<>" is the null sender of a bounce; Angus writes a value already in angle brackets as it is.
        setEnvelopeFrom(mailFrom.isEmpty() ? "<>" : mailFrom);
        setSendPartial(true); // some recipients refused: the others still get it, and the refusals are reported
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreHeaders) throws IOException {
        out.write(content); // the ignore list (Bcc, Content-Length) is for composed messages, not relayed ones
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        out.write(content);
    }
}
