package io.oauthmail.cli;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * The client side of a several-hosts test: a program per account sending its messages, one after another, to the
 * relay ports in turn (one connection per port, reused), as a pool of printers or mailers behind a list of relays
 * would. A message that gets no 250 (the host died under it, or refused the connection) goes to the next port:
 * the client re-sends what it never saw acknowledged, which SMTP allows to arrive twice.
 */
final class RelayBurst {

    private static final Pattern QUEUED = Pattern.compile("queued as ([0-9a-f]+)");

    private final List<Integer> ports;
    private final String password;
    private final Session session;
    /** Each message's key (its Subject) and the queue id of the 250 it got. */
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    /** Keys sent again after an attempt that may have reached a host (the DATA went out; no 250 came back). */
    private final Set<String> resent = ConcurrentHashMap.newKeySet();

    RelayBurst(List<Integer> ports, String password) {
        this.ports = List.copyOf(ports);
        this.password = password;
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.auth", "true");
        properties.setProperty("mail.smtp.connectiontimeout", "5000");
        properties.setProperty("mail.smtp.timeout", "20000");
        this.session = Session.getInstance(properties);
    }

    /** Sends {@code perAccount} messages from each account (to itself), each account in its own thread; blocks. */
    void send(List<String> accounts, int perAccount) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(accounts.size());
        try {
            List<Future<Void>> done = new java.util.ArrayList<>();
            for (int a = 0; a < accounts.size(); a++) {
                int index = a;
                done.add(senders.submit(() -> sendAll(index, accounts.get(index), perAccount)));
            }
            for (Future<Void> f : done) {
                f.get();
            }
        } finally {
            senders.shutdownNow();
        }
    }

    private Void sendAll(int index, String account, int count) throws MessagingException {
        Map<Integer, SMTPTransport> open = new HashMap<>();
        Set<Integer> dead = new HashSet<>();
        try {
            for (int j = 0; j < count; j++) {
                String key = "burst-" + index + "-" + j;
                MimeMessage message = new MimeMessage(session);
                message.setFrom(new InternetAddress(account));
                message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(account));
                message.setSubject(key);
                message.setText("message " + j + " of " + account + "\n");
                message.saveChanges();
                sendOne(key, account, message, (j + index) % ports.size(), open, dead);
            }
        } finally {
            open.values().forEach(RelayBurst::close);
        }
        return null;
    }

    private void sendOne(String key, String account, MimeMessage message, int first, Map<Integer, SMTPTransport> open,
            Set<Integer> dead) throws MessagingException {
        MessagingException last = null;
        for (int k = 0; k < ports.size(); k++) {
            int port = ports.get((first + k) % ports.size());
            if (dead.contains(port)) {
                continue;
            }
            SMTPTransport transport = open.get(port);
            try {
                if (transport == null) {
                    transport = (SMTPTransport) session.getTransport("smtp");
                    transport.connect("127.0.0.1", port, account, password);
                    open.put(port, transport);
                }
            } catch (MessagingException e) { // refused: nothing reached this host, and it is gone for this client
                dead.add(port);
                last = e;
                continue;
            }
            try {
                transport.sendMessage(message, message.getAllRecipients());
                Matcher id = QUEUED.matcher(transport.getLastServerResponse());
                acknowledged.put(key, id.find() ? id.group(1) : "");
                return;
            } catch (MessagingException e) { // the host may have queued it: the copy we send next may be a second
                resent.add(key);
                close(open.remove(port));
                dead.add(port);
                last = e;
            }
        }
        throw new MessagingException(key + ": no relay took it", last);
    }

    private static void close(SMTPTransport transport) {
        try {
            if (transport != null) {
                transport.close();
            }
        } catch (MessagingException e) {
            // the host is gone: nothing to close
        }
    }

    /** Waits until {@code n} messages were acknowledged. */
    void awaitAcknowledged(int n, Duration atMost) {
        Awaits.polling(n + " messages acknowledged", atMost).until(() -> acknowledged.size() >= n);
    }

    /** Each acknowledged message's key and queue id. */
    Map<String, String> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    /** The keys sent again after an attempt whose 250 never came. */
    Set<String> resent() {
        return Set.copyOf(resent);
    }
}
