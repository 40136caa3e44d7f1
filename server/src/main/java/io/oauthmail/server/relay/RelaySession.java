package io.oauthmail.server.relay;

import io.oauthmail.account.Account;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;

/**
 * One mail transaction on the relay (MAIL, RCPT..., DATA): the sender checked and its account chosen at MAIL,
 * each recipient's syntax at RCPT, and the message queued at the end of DATA. The client hears {@code 250} (with
 * the queue id) only after {@link RelayQueue#accept} returned; any refusal at DATA reads the rest of the message
 * first, so the client hears the reply instead of its own lines being taken for commands.
 */
final class RelaySession implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RelaySession.class);

    /** What every session of one listener shares. */
    record Shared(RelayQueue queue, RelaySenders senders, long maxMessageSize, Consumer<Entry> accepted, Clock clock) {
    }

    private final Shared shared;
    private final MessageContext context;
    private final InetSocketAddress client;
    private Account account;
    private String mailFrom;
    private final List<String> recipients = new ArrayList<>();

    RelaySession(Shared shared, MessageContext context) {
        this.shared = shared;
        this.context = context;
        this.client = (InetSocketAddress) context.getRemoteAddress();
    }

    @Override
    public void from(String from) throws RejectException {
        if (!from.isEmpty()) {
            requireAddress(from, "5.1.7 malformed sender address");
        }
        Optional<String> login = context.getAuthenticationHandler().map(AuthenticationHandler::getIdentity).map(String::valueOf);
        try {
            account = shared.senders().choose(login, from, client);
        } catch (RelaySenders.RefusedSender e) {
            throw new RejectException(e.code(), e.getMessage());
        }
        mailFrom = from;
    }

    @Override
    public void recipient(String recipient) throws RejectException {
        requireAddress(recipient, "5.1.3 malformed recipient address");
        recipients.add(recipient);
    }

    /** A full address with a domain (RFC 822 syntax, strictly), or a 553 reply. */
    private static void requireAddress(String address, String refusal) throws RejectException {
        try {
            new InternetAddress(address, true).validate();
            if (address.indexOf('@') <= 0) {
                throw new AddressException("no domain");
            }
        } catch (AddressException e) {
            throw new RejectException(553, refusal);
        }
    }

    @Override
    public String data(InputStream data) throws RejectException, IOException {
        Envelope envelope = new Envelope(account.name(), mailFrom, recipients, client.getAddress().getHostAddress(),
                shared.clock().instant());
        ClientInput input = new ClientInput(data);
        Entry entry;
        try {
            entry = shared.queue().accept(envelope, input, shared.maxMessageSize());
        } catch (RelayQueue.TooLarge e) {
            throw refuse(input, 552, "5.3.4 message over the size limit of " + shared.maxMessageSize() + " bytes; nothing was queued");
        } catch (RelayQueue.QueueFull e) {
            LOG.warn("relay: refused a message from {} for a while: {}", envelope.client(), e.getMessage());
            throw refuse(input, 452, "4.3.1 the relay queue is full; try again later");
        } catch (IOException e) {
            if (input.failed) {
                throw e; // the client went away mid-DATA: nothing was queued, nobody to answer
            }
            LOG.warn("relay: could not queue a message from {}: {}", envelope.client(), e.toString());
            throw refuse(input, 451, "4.3.0 the message could not be queued; try again later");
        }
        LOG.info("relay: queued {} for {} from {} ({} recipient(s), {} bytes)", entry.id(), envelope.account(),
                envelope.client(), recipients.size(), entry.size());
        try {
            shared.accepted().accept(entry);
        } catch (RuntimeException e) {
            // the message is queued and will be claimed anyway; a failing hook must not turn the 250 into an error
            LOG.warn("relay: the delivery side was not told of {}: {}", entry.id(), e.toString());
        }
        return "2.0.0 Ok: queued as " + entry.id();
    }

    /** Reads the rest of the message (the client is still sending it), then refuses it. */
    private static RejectException refuse(ClientInput input, int code, String text) throws IOException {
        input.transferTo(OutputStream.nullOutputStream());
        return new RejectException(code, text);
    }

    @Override
    public void done() {
        // nothing held between transactions
    }

    /** The client's DATA, remembering whether reading it failed (the client left) rather than the queue. */
    private static final class ClientInput extends FilterInputStream {
        boolean failed;

        ClientInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }
    }
}
