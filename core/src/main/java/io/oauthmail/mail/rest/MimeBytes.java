package io.oauthmail.mail.rest;

import io.oauthmail.account.Account;
import io.oauthmail.error.MailFailure;
import io.oauthmail.mail.MimeComposer;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;

/** The RFC 5322 bytes the REST APIs take, and the size check made on them before anything is sent. */
final class MimeBytes {

    private MimeBytes() {
    }

    /**
     * The whole message, Bcc included: the APIs take the recipients from the headers (there is no SMTP
     * envelope) and remove the Bcc header themselves.
     */
    static byte[] of(Account account, MimeMessage message) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            // With Bcc: the API delivers to the Bcc addresses it finds in the raw message, then strips them.
            MimeComposer.writeForSendingApi(message, out);
            return out.toByteArray();
        } catch (MessagingException | IOException e) {
            throw new MailFailure("account " + account.name() + ": cannot write the message as MIME (" + e.getMessage() + ")",
                    null, e);
        }
    }

    /** Refuses, before connecting, a message whose {@code size} exceeds {@code limit}; {@code what} says what is measured. */
    static void requireAtMost(Account account, String what, long size, long limit, String limitNote, String hint) {
        if (size > limit) {
            throw new MailFailure("account " + account.name() + ": " + what + " is " + mb(size) + ", over the limit of "
                    + mb(limit) + " " + limitNote + "; nothing was sent", hint, null);
        }
    }

    /** e.g. {@code 36.1 MB (37,853,184 bytes)}; MB here are MiB, the unit the providers' limits are read in. */
    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB (%,d bytes)", bytes / (1024.0 * 1024.0), bytes);
    }
}
