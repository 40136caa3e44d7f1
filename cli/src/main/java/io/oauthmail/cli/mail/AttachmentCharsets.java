package io.oauthmail.cli.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Says on stderr which attached text files are not UTF-8 and which charset the composer named for them (its best
 * guess: windows-1252 or ISO-8859-1), so the person can convert a file that is in yet another charset.
 */
final class AttachmentCharsets {

    private AttachmentCharsets() {
    }

    /** One note per text attachment of {@code message} whose charset is not UTF-8 (nothing when all are). */
    static void note(Part message, PrintWriter err) {
        try {
            walk(message, err);
        } catch (MessagingException | IOException e) {
            // a note is a courtesy: the message itself is fine, and sending it is what matters
        }
        err.flush();
    }

    private static void walk(Part part, PrintWriter err) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart children = (Multipart) part.getContent();
            for (int i = 0; i < children.getCount(); i++) {
                walk(children.getBodyPart(i), err);
            }
            return;
        }
        if (!Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || !part.isMimeType("text/*")) {
            return;
        }
        String charset = new ContentType(part.getContentType()).getParameter("charset");
        if (charset != null && !charset.toLowerCase(Locale.ROOT).matches("utf-8|us-ascii")) {
            err.println("note: " + part.getFileName() + " is not UTF-8; attached as " + charset + " text (if it is in "
                    + "another charset, convert it first: iconv -f CHARSET -t utf-8 " + part.getFileName() + ")");
        }
    }
}
