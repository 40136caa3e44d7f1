package io.oauthmail.server.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import io.oauthmail.account.Account;
import io.oauthmail.provider.Quirk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a client's IMAP session alive across the expiry of the access token its upstream login used. Gmail and
 * Exchange Online end such a session when the token expires ({@code * BYE Session expired, please login again.},
 * {@code * BYE Session invalidated - AccessTokenExpired}), and every mail client in IDLE then shows an error. The
 * keeper follows the session (the selected mailbox, commands in flight, IDLE) and, instead of passing the BYE on,
 * logs in again with a fresh token, selects the mailbox again, resumes IDLE under the client's own tag (or
 * answers the client's DONE, or sends its command again), and swaps the new connection in: the client sees at
 * most an {@code EXISTS} it had not seen.
 *
 * <p>Providers known to end sessions at expiry ({@link Quirk#ENDS_IMAP_SESSIONS_AT_TOKEN_EXPIRY}) get the swap
 * before the token expires, when the session is quiet: Exchange stops sending new-mail notices to an IDLE whose
 * token has expired and says BYE only to the client's next command, which may be 29 minutes away.
 *
 * <p>Runs on the session's event loop; the new login's round trips run on a login worker.
 */
final class ImapSessionKeeper implements ImapCapabilities.ResponseWatch, ImapCommandWatch.Commands {

    private static final Logger LOG = LoggerFactory.getLogger(ImapSessionKeeper.class);
    private static final Pattern EXPIRED = Pattern.compile(
            "(?i)^\\* BYE .*(session expired|accesstokenexpired|token (has )?expired|session invalidated).*");
    private static final Duration RETRY_SWAP = Duration.ofSeconds(5);
    /** Untagged news about messages ({@code * 3 EXISTS}, {@code * 1 RECENT}): owed to the client after a swap. */
    private static final Pattern MESSAGE_DATA = Pattern.compile("(?i)^\\* [0-9]+ (EXISTS|RECENT)$");

    private final ImapSession session;
    private final Account account;
    private final Channel client;
    private final boolean swapAhead;
    private Relay.Pair pair;

    /** The SELECT or EXAMINE (without its tag) that chose the open mailbox, or null. */
    private String selected;
    /** Commands sent and not yet answered: tag to line (null for one that cannot be sent again: a literal). */
    private final Map<String, String> inFlight = new LinkedHashMap<>();
    private final Map<String, String> selecting = new LinkedHashMap<>();
    private final Set<String> closing = new HashSet<>();
    private String idleTag;
    private boolean doneSent;
    private boolean opaque;
    private boolean swapping;
    private boolean swapWanted;
    private ScheduledFuture<?> ahead;

    ImapSessionKeeper(ImapSession session, Account account, Channel client) {
        this.session = session;
        this.account = account;
        this.client = client;
        this.swapAhead = account.provider().has(Quirk.ENDS_IMAP_SESSIONS_AT_TOKEN_EXPIRY);
    }

    /** The relay is up on {@code link}: watch its token. */
    void started(Relay.Pair pair, UpstreamLink link) {
        this.pair = pair;
        planSwap(link);
    }

    @Override
    public void command(String line, boolean literalFollows) {
        if (line == null) {
            opaque = true; // too long to read: nothing to send again, and its tag is unknown
            return;
        }
        if (idleTag != null && line.trim().equalsIgnoreCase("DONE")) {
            doneSent = true;
            return;
        }
        String[] parts = line.split(" ", 3);
        if (parts.length < 2) {
            return;
        }
        String tag = parts[0];
        String verb = parts[1].toUpperCase(Locale.ROOT);
        if (verb.equals("IDLE")) {
            idleTag = tag;
            doneSent = false;
            return;
        }
        if (verb.equals("SELECT") || verb.equals("EXAMINE")) {
            selecting.put(tag, line.substring(tag.length() + 1));
        } else if (verb.equals("CLOSE") || verb.equals("UNSELECT")) {
            closing.add(tag);
        }
        inFlight.put(tag, literalFollows ? null : line);
    }

    @Override
    public boolean response(String line) {
        // Every tagged answer comes here: the pattern only for a BYE (no matcher per command)
        if (line.regionMatches(true, 0, "* BYE ", 0, 6) && EXPIRED.matcher(line).matches()) {
            if (swapping) {
                return true; // the old connection's end, while the new one is being set up
            }
            if (!resendable()) {
                return false; // a command with a literal is in flight: pass the BYE on, the session ends
            }
            LOG.info("{}: the IMAP server ended the session as the token expired; logging in again for the client",
                    account.name());
            swap(true);
            return true;
        }
        if (line.startsWith("+")) {
            return false;
        }
        int space = line.indexOf(' ');
        String tag = space < 0 ? line : line.substring(0, space);
        inFlight.remove(tag);
        opaque = false;
        String select = selecting.remove(tag);
        boolean ok = line.length() > tag.length() + 3 && line.regionMatches(true, tag.length() + 1, "OK", 0, 2);
        if (select != null) {
            selected = ok ? select : null; // a failed SELECT leaves no mailbox open (RFC 3501 6.3.1)
        }
        if (closing.remove(tag) && ok) {
            selected = null;
        }
        if (tag.equals(idleTag)) {
            idleTag = null;
            doneSent = false;
        }
        if (swapWanted && quiet()) {
            swapWanted = false;
            client.eventLoop().execute(() -> swap(false));
        }
        return false;
    }

    private boolean resendable() {
        return !opaque && !inFlight.containsValue(null);
    }

    /** Nothing in flight but (perhaps) an IDLE the client has not ended: a swap can go unnoticed. */
    private boolean quiet() {
        return inFlight.isEmpty() && !opaque && (idleTag == null || !doneSent);
    }

    private void planSwap(UpstreamLink link) {
        if (ahead != null) {
            ahead.cancel(false);
        }
        Instant due = link.tokenRefreshDue();
        if (!swapAhead || due == null) {
            return;
        }
        swapAfter(Math.max(0, Duration.between(Instant.now(), due).toMillis()));
    }

    /** In {@code millis}: a swap now if the session is quiet, else as soon as it is. */
    private void swapAfter(long millis) {
        ahead = client.eventLoop().schedule(() -> {
            if (quiet()) {
                swap(false);
            } else {
                swapWanted = true;
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Logs in again and swaps the new connection in. {@code afterBye}: the old one is gone, and what was in flight
     * on it is sent again (or, for a DONE, answered); else the old one is still up and quiet.
     */
    private void swap(boolean afterBye) {
        if (swapping || !client.isActive()) {
            return;
        }
        swapping = true;
        pair.replacing = true;
        client.config().setAutoRead(false);
        Channel old = pair.upstream;
        if (afterBye) {
            old.close();
        }
        Resume resume = new Resume(selected, idleTag != null && !doneSent ? idleTag : null,
                idleTag != null && doneSent ? idleTag : null, afterBye ? List.copyOf(inFlight.values()) : List.of());
        session.proxy.logins().again(account, (acc, loop, token, tls) -> {
            UpstreamLink link = session.upstreamLogin(loop, acc, session.upstreamServer(acc), token, tls);
            try {
                resume.replay(link);
            } catch (IOException | RuntimeException e) {
                link.close();
                throw e;
            }
            return link;
        }, client, new ProxyLogins.Again() {
            @Override
            public void ready(UpstreamLink link) {
                swapped(old, link, resume);
            }

            @Override
            public void failed(Exception e) {
                LOG.warn("{}: could not log in again to keep the IMAP session: {}", account.name(), Upstream.reason(e));
                swapping = false;
                pair.replacing = false;
                if (afterBye) {
                    client.writeAndFlush(Unpooled.copiedBuffer(ImapCapabilities.BYE + "\r\n", StandardCharsets.US_ASCII))
                            .addListener(done -> client.close());
                } else {
                    client.config().setAutoRead(true);
                    swapAfter(RETRY_SWAP.toMillis());
                }
            }
        });
    }

    private void swapped(Channel old, UpstreamLink link, Resume resume) {
        Relay.replaceUpstream(pair, link, new ImapCapabilities(this));
        for (String line : resume.forClient()) {
            client.write(Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.UTF_8));
        }
        client.flush();
        if (resume.endedIdle() != null) {
            idleTag = null;
            doneSent = false;
        }
        if (old.isActive()) {
            old.config().setAutoRead(false);
            // A polite end for the old login; its answers are dropped (the relay no longer reads it).
            old.writeAndFlush(Unpooled.copiedBuffer((resume.idleTag() != null ? "DONE\r\n" : "") + "k9 LOGOUT\r\n",
                    StandardCharsets.US_ASCII)).addListener(done -> old.close());
        }
        pair.replacing = false;
        swapping = false;
        client.config().setAutoRead(true);
        planSwap(link);
    }

    /**
     * What the new connection must do before it takes over, and what the client is owed: the mailbox selected
     * again (its {@code EXISTS} goes to the client), IDLE resumed under the client's tag, a DONE answered, the
     * commands that were in flight sent again.
     */
    private record Resume(String select, String idleTag, String endedIdle, List<String> resend, List<String> owed) {

        Resume(String select, String idleTag, String endedIdle, List<String> resend) {
            this(select, idleTag, endedIdle, resend, new ArrayList<>());
        }

        /** On the login worker: the dialogue on the new connection, answers for the client collected. */
        void replay(UpstreamLink link) throws IOException {
            if (select != null) {
                link.writeLine("k1 " + select);
                String line;
                while ((line = link.readLine()) != null && !line.startsWith("k1 ")) {
                    if (MESSAGE_DATA.matcher(line).matches()) {
                        owed.add(line);
                    } else if (line.matches("(?i)^\\* OK \\[UIDVALIDITY .*")) {
                        owed.add(line); // a changed UIDVALIDITY must reach the client; the same one is harmless
                    }
                }
                if (line == null || !line.regionMatches(true, 3, "OK", 0, 2)) {
                    throw new IOException("the mailbox could not be selected again: " + line);
                }
            }
            if (endedIdle != null) {
                owed.add(endedIdle + " OK IDLE terminated");
            }
            if (idleTag != null) {
                link.writeLine(idleTag + " IDLE");
                String line;
                while ((line = link.readLine()) != null && !line.startsWith("+")) {
                    if (MESSAGE_DATA.matcher(line).matches()) {
                        owed.add(line); // mail that came between the SELECT and the IDLE
                    } else if (!line.startsWith("* ")) {
                        throw new IOException("IDLE could not be resumed: " + line);
                    }
                }
                if (line == null) {
                    throw new IOException("the server closed the connection before IDLE");
                }
            }
            for (String command : resend) {
                link.writeLine(command);
            }
        }

        List<String> forClient() {
            return owed;
        }
    }
}
