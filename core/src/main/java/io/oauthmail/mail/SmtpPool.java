package io.oauthmail.mail;

import io.oauthmail.account.Account;
import jakarta.mail.internet.MimeMessage;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;

/**
 * A thread-safe SMTP sender with up to N connections. A send takes an idle connection (the one used last, so
 * a single thread keeps using one and the others are never opened), or opens one while fewer than N exist, or
 * waits for one. Each connection is an {@link SmtpSender}: logged in once and reused, opened again when the
 * server closed it or when the token behind its login is about to expire, so refreshed tokens are picked up at
 * reconnect. Messages are composed by the calling thread, outside the pool, so composing runs in parallel too.
 */
public final class SmtpPool implements Sender {

    private final MailSessions sessions;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<SmtpSender> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    public SmtpPool(MailSessions sessions, int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1, not " + connections);
        }
        this.sessions = sessions;
        this.permits = new Semaphore(connections, true);
    }

    /** Composes and sends {@code email} from {@code account}; returns the Message-ID. */
    public String send(Account account, Email email) {
        return send(account, MimeComposer.compose(sessions.session(account, MailProtocol.SMTP), account.mailUser(), email));
    }

    @Override
    public String send(Account account, MimeMessage message) {
        if (closed) {
            throw new IllegalStateException("this sender is closed");
        }
        permits.acquireUninterruptibly();
        SmtpSender connection = idle.pollFirst();
        try {
            if (connection == null) {
                connection = new SmtpSender(sessions);
            }
            return connection.send(account, message);
        } finally {
            if (connection != null) {
                idle.offerFirst(connection); // most recently used first: it is warm and its token fresh
                if (closed && idle.remove(connection)) {
                    connection.close(); // close() ran while this one was sending
                }
            }
            permits.release();
        }
    }

    /** Closes the idle connections; one still sending is closed when its message is done. */
    @Override
    public void close() {
        closed = true;
        for (SmtpSender connection = idle.pollFirst(); connection != null; connection = idle.pollFirst()) {
            connection.close();
        }
    }
}
