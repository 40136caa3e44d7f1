package io.oauthmail.server.relay;

import io.oauthmail.account.Account;
import io.oauthmail.error.MailFailure;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.MailProtocol;
import io.oauthmail.mail.RawMessage;
import io.oauthmail.mail.Sender;
import io.oauthmail.mail.SmtpSender;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One delivery attempt of a queued message, as its account, by the account's {@link RelayRoute}, read as an
 * {@link Attempt}. Over SMTP each account keeps one logged-in connection while its mail flows (core's
 * {@link SmtpSender} reconnects when the server closed it or the token is near its end); {@link #closeIdle} ends
 * the ones unused for a while, so a quiet account holds no connection to its provider.
 *
 * <p>Not for concurrent attempts of one account: {@link RelayDelivery} sends one message per account at a time.
 */
final class DeliverySenders implements AutoCloseable {

    private record Connection(SmtpSender sender, Instant lastUse) {
    }

    private final MailSessions sessions;
    private final Function<RelayRoute, Sender> restSenders;
    private final Clock clock;
    private final Map<String, Connection> smtp = new ConcurrentHashMap<>();

    /** @param restSenders the Gmail API and Graph senders, made when first needed (SMTP is {@code sessions}'s) */
    DeliverySenders(MailSessions sessions, Function<RelayRoute, Sender> restSenders, Clock clock) {
        this.sessions = sessions;
        this.restSenders = restSenders;
        this.clock = clock;
    }

    Attempt send(Account account, RelayRoute route, Envelope envelope, byte[] content) {
        try {
            if (route == RelayRoute.SMTP) {
                SmtpSender sender = smtp.compute(account.name(), (name, old) -> new Connection(
                        old == null ? new SmtpSender(sessions, clock) : old.sender(), clock.instant())).sender();
                sender.sendRaw(account, envelope.mailFrom(), envelope.recipients(), content);
            } else {
                return sendOverApi(account, route, envelope, content);
            }
            return new Attempt.Delivered();
        } catch (ReauthorizationRequired e) {
            return new Attempt.LostGrant(SmtpReplies.oneLine(e.getMessage()), account.loginCommand());
        } catch (TemporaryFailure e) {
            return new Attempt.Temporary(SmtpReplies.oneLine(e.getMessage()), e.retryAfter());
        } catch (MailFailure e) {
            return route == RelayRoute.SMTP ? SmtpReplies.of(e, envelope.recipients()) : apiFailure(e);
        }
    }

    /**
     * The APIs have no envelope: they send to the headers' To, Cc and Bcc and strip Bcc. Envelope recipients the
     * headers leave out (a Bcc the client already removed) go in as a Bcc header on top; header recipients the
     * envelope leaves out cannot be kept from getting it, so such a message is refused rather than over-delivered.
     */
    private Attempt sendOverApi(Account account, RelayRoute route, Envelope envelope, byte[] content) {
        RawMessage message;
        Set<String> inHeaders = new TreeSet<>();
        try {
            message = new RawMessage(sessions.session(account, MailProtocol.SMTP), envelope.mailFrom(), content);
            Address[] all = message.getAllRecipients();
            for (Address address : all == null ? new Address[0] : all) {
                inHeaders.add(((InternetAddress) address).getAddress().toLowerCase(Locale.ROOT));
            }
        } catch (MessagingException e) {
            return new Attempt.Permanent("the message's headers cannot be read: " + SmtpReplies.oneLine(e.getMessage()));
        }
        List<String> missing = new ArrayList<>();
        Set<String> inEnvelope = new TreeSet<>();
        for (String recipient : envelope.recipients()) {
            inEnvelope.add(recipient.toLowerCase(Locale.ROOT));
            if (!inHeaders.contains(recipient.toLowerCase(Locale.ROOT))) {
                missing.add(recipient);
            }
        }
        inHeaders.removeAll(inEnvelope);
        if (!inHeaders.isEmpty()) {
            return new Attempt.Permanent("the " + route + " route sends to every address in To, Cc and Bcc, and "
                    + inHeaders.size() + " of them are not recipients of this message; relay this account over SMTP");
        }
        try {
            byte[] bytes = missing.isEmpty() ? content : withBcc(missing, content);
            restSenders.apply(route).send(account, new RawMessage(sessions.session(account, MailProtocol.SMTP),
                    envelope.mailFrom(), bytes));
            return new Attempt.Delivered();
        } catch (MessagingException e) {
            return new Attempt.Permanent("the message cannot be read: " + SmtpReplies.oneLine(e.getMessage()));
        }
    }

    private static byte[] withBcc(List<String> recipients, byte[] content) {
        byte[] header = ("Bcc: " + String.join(",\r\n ", recipients) + "\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[header.length + content.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(content, 0, all, header.length, content.length);
        return all;
    }

    /** An API's HTTP 4xx is its refusal of this message; anything else (a timeout, a lost answer) may pass. */
    private static Attempt apiFailure(MailFailure e) {
        String reason = SmtpReplies.oneLine(e.getMessage());
        return reason.contains("answered HTTP 4") ? new Attempt.Permanent(reason) : new Attempt.Temporary(reason, Optional.empty());
    }

    /** Logs out of the accounts whose connection has not been used for {@code idle}. */
    void closeIdle(Duration idle) {
        Instant before = clock.instant().minus(idle);
        smtp.entrySet().removeIf(e -> {
            if (e.getValue().lastUse().isBefore(before)) {
                e.getValue().sender().close();
                return true;
            }
            return false;
        });
    }

    @Override
    public void close() {
        smtp.values().forEach(c -> c.sender().close());
        smtp.clear();
    }
}
