package io.oauthmail.sandbox;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.UserManager;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A Gmail-like submission port (what smtp.gmail.com:587 is): STARTTLS required before anything else,
 * AUTH XOAUTH2 or OAUTHBEARER required before MAIL, bad tokens answered with Gmail's challenge. Accepted
 * mail is delivered into the sandbox's GreenMail mailboxes, where IMAP and POP3 read it.
 *
 * <p>GreenMail cannot do this itself: it has no STARTTLS (its issue #135).
 */
final class SubmissionServer implements AutoCloseable {

    static final int MAX_MESSAGE_BYTES = 35 * 1024 * 1024;
    /** A recipient that makes the server drop the connection in the middle of DATA: for failure tests. */
    static final String DROP_DURING_DATA = "drop-during-data@sandbox.test";

    private final SMTPServer server;
    private final AtomicInteger logins;

    private final SubmissionFaults faults;

    private SubmissionServer(SMTPServer server, AtomicInteger logins, SubmissionFaults faults) {
        this.server = server;
        this.logins = logins;
        this.faults = faults;
    }

    SubmissionFaults faults() {
        return faults;
    }

    /** Successful AUTH exchanges so far: tests use it to prove one login carried many messages. */
    int logins() {
        return logins.get();
    }

    static SubmissionServer start(SSLContext tls, AccessTokenVerifier verifier, UserManager users, String mailScope) {
        AtomicInteger logins = new AtomicInteger();
        SubmissionFaults faults = new SubmissionFaults();
        // One session to parse every delivered message: a new Session scans every jar for provider lists.
        Session parsing = Session.getInstance(new Properties());
        SMTPServer server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("localhost")
                .softwareName("oauthmail sandbox submission")
                .startTlsSocketFactory(tls)
                .enableTLS()
                .requireTLS()
                .requireAuth()
                .authenticationHandlerFactory(
                        OAuthSaslHandler.factory(verifier, user -> users.getUserByEmail(user) != null, mailScope, logins))
                .messageHandlerFactory(context -> new Delivery(users, parsing, faults))
                .maxMessageSize(MAX_MESSAGE_BYTES)
                .connectionTimeoutMs(5 * 60_000) // RFC 5321 4.5.3.2.7: a server waits 5 minutes for a command
                .build();
        server.start();
        return new SubmissionServer(server, logins, faults);
    }

    int port() {
        return server.getPortAllocated();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** One message: recipients must be sandbox users; the message is stored in each one's INBOX. */
    private static final class Delivery implements MessageHandler {
        private final UserManager users;
        private final Session parsing;
        private final SubmissionFaults faults;
        private final List<GreenMailUser> recipients = new ArrayList<>();
        private final List<String> envelopeTo = new ArrayList<>();
        private String mailFrom = "";

        Delivery(UserManager users, Session parsing, SubmissionFaults faults) {
            this.users = users;
            this.parsing = parsing;
            this.faults = faults;
        }

        @Override
        public void from(String from) throws RejectException {
            // Any sender: Gmail rewrites From to the authenticated account; the sandbox keeps what it is given.
            var refusal = faults.messageRefusal();
            if (refusal.isPresent()) {
                throw new RejectException(refusal.get().code(), refusal.get().text());
            }
            mailFrom = from == null ? "" : from;
        }

        private boolean dropDuringData;

        @Override
        public void recipient(String recipient) throws RejectException {
            if (recipient.equalsIgnoreCase(DROP_DURING_DATA)) {
                dropDuringData = true;
                return;
            }
            var refusal = faults.recipientRefusal(recipient);
            if (refusal.isPresent()) {
                throw new RejectException(refusal.get().code(), refusal.get().text());
            }
            GreenMailUser user = users.getUserByEmail(recipient);
            if (user == null) {
                throw new RejectException(550, "5.1.1 " + recipient + ": no such user in the oauthmail sandbox");
            }
            recipients.add(user);
            envelopeTo.add(recipient);
        }

        @Override
        public String data(InputStream data) throws RejectException, IOException {
            if (dropDuringData) {
                data.readNBytes(512); // take part of the message, then hang up as a crashing server would
                throw new DropConnectionException(421, "4.4.2 connection dropped mid-DATA (oauthmail sandbox fault)");
            }
            try {
                byte[] content = data.readAllBytes();
                faults.took(new SubmissionFaults.Submitted(mailFrom, envelopeTo, content));
                MimeMessage message = new MimeMessage(parsing, new java.io.ByteArrayInputStream(content));
                for (GreenMailUser user : recipients) {
                    user.deliver(message);
                }
                return null;
            } catch (MessagingException e) {
                throw new RejectException(554, "5.6.0 The message could not be parsed: " + e.getMessage());
            }
        }

        @Override
        public void done() {
            recipients.clear();
            envelopeTo.clear();
            mailFrom = "";
        }
    }
}
