package io.oauthmail.server.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The console's browser sessions, in memory (a restart logs everyone out, which for an admin console is a
 * feature). A session ID is 256 random bits: a cookie that was tampered with names no session and is simply
 * not logged in. Each session has its own CSRF token for its forms. A visitor gets an anonymous session (its
 * CSRF token guards the login form); logging in replaces it with a new ID, so an ID planted before the login is
 * worth nothing after it.
 *
 * <p>A session ends {@link #IDLE} after its last request, and {@link #ABSOLUTE} after its login whatever happens.
 * Bounded: at most {@link #MAX} sessions, the least recently used going first.
 */
final class Sessions {

    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration ABSOLUTE = Duration.ofHours(12);
    private static final int MAX = 1_000;

    /** One browser's session; {@code loggedIn} is false for the anonymous one that only shows the login form. */
    record Session(String id, String csrf, boolean loggedIn, Instant created) {

        /** True if {@code offered} is this session's CSRF token, compared in constant time. */
        boolean csrfMatches(String offered) {
            return offered != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                    offered.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Session[loggedIn=" + loggedIn + "]"; // the ID and token are the secrets of this record
        }
    }

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> lastSeen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            boolean full = size() > MAX;
            if (full) {
                byId.remove(eldest.getKey());
            }
            return full;
        }
    };
    private final Map<String, Session> byId = new LinkedHashMap<>();

    Sessions(Clock clock) {
        this.clock = clock;
    }

    /** The live session named {@code id} (its idle time restarts), or empty: unknown, tampered with, or expired. */
    synchronized Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session session = byId.get(id);
        Instant now = clock.instant();
        if (session == null || lastSeen.get(id).plus(IDLE).isBefore(now) || session.created().plus(ABSOLUTE).isBefore(now)) {
            end(id);
            return Optional.empty();
        }
        lastSeen.put(id, now);
        return Optional.of(session);
    }

    /** A new anonymous session, for the login form. */
    synchronized Session anonymous() {
        return add(false);
    }

    /** Logs {@code previous} in: it ends, and a new logged-in session (new ID, new CSRF token) takes its place. */
    synchronized Session logIn(Session previous) {
        end(previous.id());
        return add(true);
    }

    synchronized void end(String id) {
        byId.remove(id);
        lastSeen.remove(id);
    }

    private Session add(boolean loggedIn) {
        Instant now = clock.instant();
        Session session = new Session(token(), token(), loggedIn, now);
        byId.put(session.id(), session);
        lastSeen.put(session.id(), now);
        return session;
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
