package io.oauthmail.sandbox;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the submission port refuses, for tests of a sender's retries and bounces, and what it took, byte for byte,
 * for tests that mail goes out exactly as it came in. Refusals are the providers' own kinds: a whole message
 * answered at {@code MAIL FROM} (Gmail's {@code 421 4.7.0} throttling, a {@code 554} policy refusal) and a
 * recipient answered at {@code RCPT TO} ({@code 550 5.1.1}, or a {@code 450} greylisting).
 */
public final class SubmissionFaults {

    /**
     * One message the port accepted: its envelope, and its content as it came in DATA (dot-unstuffed) below the
     * {@code Received} line the server puts on top.
     */
    public record Submitted(String mailFrom, List<String> recipients, byte[] content) {
        public Submitted {
            recipients = List.copyOf(recipients);
        }

        /** The content as the client sent it: without the {@code Received} header (and its folds) the server added. */
        public String asSent() {
            String text = new String(content, java.nio.charset.StandardCharsets.UTF_8);
            if (!text.startsWith("Received: ")) {
                throw new IllegalStateException("the submission port adds a Received line to every message");
            }
            int end = text.indexOf("\r\n");
            while (text.startsWith(" ", end + 2) || text.startsWith("\t", end + 2)) {
                end = text.indexOf("\r\n", end + 2);
            }
            return text.substring(end + 2);
        }
    }

    /** A reply a test chose: the code and the text after it (e.g. {@code "4.7.0 Try again later"}). */
    record Refusal(int code, String text) {
    }

    private final AtomicInteger refuseMessages = new AtomicInteger();
    private volatile Refusal messageRefusal;
    private final Map<String, Refusal> recipients = new ConcurrentHashMap<>();
    private final List<Submitted> received = new CopyOnWriteArrayList<>();

    SubmissionFaults() {
    }

    /** The next {@code count} messages are refused at {@code MAIL FROM} with {@code code text}. */
    public void refuseNextMessages(int count, int code, String text) {
        messageRefusal = new Refusal(code, text);
        refuseMessages.set(count);
    }

    /** Every {@code RCPT TO:<address>} is answered {@code code text} until {@link #clear}. */
    public void refuseRecipient(String address, int code, String text) {
        recipients.put(address.toLowerCase(Locale.ROOT), new Refusal(code, text));
    }

    /** No more refusals. */
    public void clear() {
        refuseMessages.set(0);
        recipients.clear();
    }

    /** Every message accepted so far, oldest first. */
    public List<Submitted> received() {
        return List.copyOf(received);
    }

    Optional<Refusal> messageRefusal() {
        return refuseMessages.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? Optional.ofNullable(messageRefusal) : Optional.empty();
    }

    Optional<Refusal> recipientRefusal(String address) {
        return Optional.ofNullable(recipients.get(address.toLowerCase(Locale.ROOT)));
    }

    void took(Submitted message) {
        received.add(message);
    }
}
