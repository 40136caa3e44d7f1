package io.oauthmail.sandbox;

import com.nimbusds.jwt.JWTParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends IMAPS sessions when the access token they authenticated with expires, the way {@link ImapSessionExpiry}
 * says: the IMAPS {@link TlsFront} hands every session opened while a policy is set to a {@link Watch}, which
 * reads the client's {@code AUTHENTICATE XOAUTH2|OAUTHBEARER} (with an initial response or on the line after
 * the server's {@code +}), takes the token's {@code exp}, waits for GreenMail's tagged {@code OK}, and at
 * {@code exp} ends the session with the BYE. The BYE goes between two lines of the server's stream, never into
 * the middle of a response or a literal; then both connections close, so GreenMail's session ends too.
 *
 * <p>Done in the front rather than inside GreenMail because GreenMail gives a token validator the token alone,
 * not the session, and its handlers write to their sockets from several threads with no lock we could share.
 * LOGIN with a token as password (which GreenMail accepts, unlike Gmail) is not followed.
 */
final class ImapTokenExpiry implements AutoCloseable {

    private volatile ImapSessionExpiry policy = ImapSessionExpiry.NEVER;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "sandbox-imap-token-expiry");
        thread.setDaemon(true);
        return thread;
    });

    void policy(ImapSessionExpiry policy) {
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
    }

    /** A watch for a new session, or null when sessions outlive their tokens (the relay stays untouched). */
    TlsFront.Tap open(OutputStream client, Runnable hangUp) {
        ImapSessionExpiry now = policy;
        return now == ImapSessionExpiry.NEVER ? null : new Watch(now, client, hangUp);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** One session. The client's side is read on the client's relay thread only; the rest is under {@code lock}. */
    private final class Watch implements TlsFront.Tap {
        private final ImapSessionExpiry policy;
        private final OutputStream client;
        private final Runnable hangUp;
        private final ImapStream fromClient = new ImapStream(64 * 1024, this::clientLine);
        private final ImapStream fromServer = new ImapStream(256, this::serverLine);
        private final Object lock = new Object();
        private String saslTag; // an AUTHENTICATE without initial response: its tag, until the next client line
        private String saslMechanism;
        /** An AUTHENTICATE sent upstream, waiting for its tagged answer: set by the client's thread. */
        private volatile Pending pending;
        private ScheduledFuture<?> expiryTask;
        private Instant expiry; // of the token the session authenticated with, once the server said OK
        private boolean expired;
        private boolean byeDue;
        private boolean ended;

        private record Pending(String tag, Instant expiry) {
        }

        Watch(ImapSessionExpiry policy, OutputStream client, Runnable hangUp) {
            this.policy = policy;
            this.client = client;
            this.hangUp = hangUp;
        }

        @Override
        public boolean fromClient(byte[] bytes, int length) {
            if (!policy.endsAtExpiry()) {
                synchronized (lock) {
                    if (ended) {
                        return false;
                    }
                    if (expired()) {
                        // Exchange: whatever the client says after expiry is answered with the BYE.
                        byeDue = true;
                        byeIfBetweenLines();
                        return false;
                    }
                }
            }
            fromClient.feed(bytes, 0, length);
            return true;
        }

        @Override
        public void toClient(byte[] bytes, int length) throws IOException {
            synchronized (lock) {
                boolean expired = expired();
                int at = 0;
                while (at < length && !ended) {
                    if (byeDue && fromServer.atBoundary()) {
                        bye();
                        return;
                    }
                    if (expired && fromServer.atBoundary()) {
                        return; // Exchange after expiry: silent until the client speaks
                    }
                    int end;
                    if (expired) {
                        end = fromServer.feedToBoundary(bytes, at, length);
                    } else {
                        fromServer.feed(bytes, at, length);
                        end = length;
                    }
                    client.write(bytes, at, end - at);
                    at = end;
                }
                if (!ended) {
                    client.flush();
                    if (byeDue && fromServer.atBoundary()) {
                        bye();
                    }
                }
            }
        }

        @Override
        public void closed() {
            synchronized (lock) {
                ended = true;
                if (expiryTask != null) {
                    expiryTask.cancel(false);
                }
            }
        }

        private void clientLine(String line) {
            if (saslTag != null) {
                String tag = saslTag;
                saslTag = null;
                if (!line.equals("*")) {
                    expectAnswer(tag, saslMechanism, line);
                }
                return;
            }
            String[] words = line.split(" ", 4);
            if (words.length < 3 || !words[1].equalsIgnoreCase("AUTHENTICATE")) {
                return;
            }
            String mechanism = words[2].toUpperCase(Locale.ROOT);
            if (!mechanism.equals("XOAUTH2") && !mechanism.equals("OAUTHBEARER")) {
                return;
            }
            if (words.length == 4 && !words[3].equals("=")) {
                expectAnswer(words[0], mechanism, words[3]);
            } else {
                saslTag = words[0];
                saslMechanism = mechanism;
            }
        }

        private void expectAnswer(String tag, String mechanism, String response) {
            Optional<BearerCredentials> credentials = mechanism.equals("XOAUTH2")
                    ? BearerCredentials.parseXOAuth2(response)
                    : BearerCredentials.parseOAuthBearer(response);
            Instant expiry = credentials.map(c -> expiryOf(c.token())).orElse(null);
            pending = expiry == null ? null : new Pending(tag, expiry);
        }

        private void serverLine(String line) {
            Pending waiting = pending;
            if (waiting == null || !line.startsWith(waiting.tag() + " ")) {
                return;
            }
            pending = null;
            if (line.regionMatches(true, waiting.tag().length() + 1, "OK", 0, 2)) {
                schedule(waiting.expiry());
            }
        }

        /** Under {@code lock}. */
        private void schedule(Instant expiry) {
            this.expiry = expiry;
            long delay = Math.max(0, expiry.toEpochMilli() - System.currentTimeMillis());
            expiryTask = timer.schedule(() -> expire(expiry), delay, TimeUnit.MILLISECONDS);
        }

        private void expire(Instant expiry) {
            synchronized (lock) {
                if (ended) {
                    return;
                }
                if (Instant.now().isBefore(expiry)) {
                    schedule(expiry); // never early, whatever the scheduler's clock says
                    return;
                }
                if (expired() && byeDue) {
                    byeIfBetweenLines();
                }
            }
        }

        /**
         * Under {@code lock}: whether the session's token has expired, checked against the clock each time (so a
         * late timer never lets a command through); from then on, Gmail's BYE is due.
         */
        private boolean expired() {
            if (!expired && expiry != null && !Instant.now().isBefore(expiry)) {
                expired = true;
                byeDue = policy.endsAtExpiry();
            }
            return expired;
        }

        /**
         * Under {@code lock}: says BYE now if the client's copy of the server's stream stands between two lines;
         * otherwise the relay says it once the line or literal under way has gone through.
         */
        private void byeIfBetweenLines() {
            if (fromServer.atBoundary()) {
                bye();
            }
        }

        /** Under {@code lock}. */
        private void bye() {
            ended = true;
            try {
                client.write((policy.byeLine() + "\r\n").getBytes(StandardCharsets.US_ASCII));
                client.flush();
            } catch (IOException e) {
                // the client has gone already: hang up all the same
            } finally {
                hangUp.run();
            }
        }
    }

    /** The token's {@code exp}, if it is a JWT that has one; the mail server decides whether it is any good. */
    private static Instant expiryOf(String token) {
        try {
            Date exp = JWTParser.parse(token).getJWTClaimsSet().getExpirationTime();
            return exp == null ? null : exp.toInstant();
        } catch (ParseException e) {
            return null;
        }
    }
}
