package io.oauthmail.server.relay;

import io.oauthmail.error.MailFailure;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Reads an SMTP send's failure (core's {@link MailFailure} around Angus's exceptions) as an {@link Attempt}:
 * which recipients have the message, which were refused for good (5xx) and which for now (4xx), or what the
 * server said to the whole message.
 *
 * <p>Two 5xx replies are throttling, not refusals, and are tried again later: Gmail's {@code 550 5.4.5} daily
 * sending limit and Exchange Online's {@code 554 5.2.0 ... SubmissionQuotaExceeded}; bouncing a whole day's mail
 * because of a quota that resets at midnight would be wrong.
 */
final class SmtpReplies {

    /** A quota resets within a day: no point trying every minute. */
    static final Duration QUOTA_WAIT = Duration.ofHours(1);

    private SmtpReplies() {
    }

    static Attempt of(MailFailure failure, List<String> recipients) {
        for (Throwable t = failure.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AddressException bad) {
                return new Attempt.Permanent("a malformed address: " + oneLine(bad.getMessage()));
            }
            if (t instanceof SendFailedException sent) {
                return of(sent, recipients);
            }
        }
        // Connecting, TLS, the login, or the connection lost: nothing says the message was refused.
        return new Attempt.Temporary(oneLine(failure.getMessage()), Optional.empty());
    }

    private static Attempt of(SendFailedException failure, List<String> recipients) {
        Map<String, String> refusals = new LinkedHashMap<>();
        for (Exception e = failure.getNextException(); e != null; e = e instanceof MessagingException m ? m.getNextException() : null) {
            if (e instanceof SMTPAddressFailedException refused) {
                refusals.put(refused.getAddress().toString(), oneLine(refused.getMessage()));
            }
        }
        List<String> sent = addresses(failure.getValidSentAddresses());
        if (refusals.isEmpty() || failure instanceof SMTPSendFailedException whole && sent.isEmpty() && !isRecipientStep(whole)) {
            return whole(failure);
        }
        List<Attempt.Refusal> refused = new ArrayList<>();
        List<Attempt.Refusal> later = new ArrayList<>();
        for (String recipient : recipients) {
            String reply = refusals.get(recipient);
            if (reply == null && !sent.contains(recipient)) {
                reply = "not accepted: " + oneLine(failure.getMessage()); // Angus names it unsent without a reply
                later.add(new Attempt.Refusal(recipient, reply));
            } else if (reply != null) {
                (reply.startsWith("4") || throttled(reply) ? later : refused).add(new Attempt.Refusal(recipient, reply));
            }
        }
        return new Attempt.Refusals(sent, refused, later);
    }

    /** Angus reports a refused RCPT in a chain under a "send failed" of the message; MAIL and DATA have no chain. */
    private static boolean isRecipientStep(SMTPSendFailedException failure) {
        return failure.getCommand() == null || failure.getCommand().toUpperCase(Locale.ROOT).startsWith("RCPT");
    }

    private static Attempt whole(SendFailedException failure) {
        String reply = oneLine(failure.getMessage());
        int code = failure instanceof SMTPSendFailedException smtp ? smtp.getReturnCode() : 0;
        if (throttled(reply)) {
            return new Attempt.Temporary(reply, Optional.of(QUOTA_WAIT));
        }
        if (code >= 500 && code < 600) {
            return new Attempt.Permanent(reply);
        }
        return new Attempt.Temporary(reply, Optional.empty());
    }

    static boolean throttled(String reply) {
        return reply.contains("5.4.5") || reply.contains("QuotaExceeded");
    }

    private static List<String> addresses(Address[] addresses) {
        List<String> list = new ArrayList<>();
        if (addresses != null) {
            for (Address address : addresses) {
                list.add(address.toString());
            }
        }
        return list;
    }

    /** Server replies go into logs, a queue file and a DSN field: one line, never more. */
    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("[\\r\\n]+", " ").strip();
    }
}
