package io.oauthmail.web;

import io.oauthmail.oauth.WebServerLogin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The logins begun and not yet completed, by browser session, in memory. Kept here rather than in the
 * application's session on purpose: the code verifier never leaves the server (some frameworks keep sessions in
 * signed but readable cookies), and taking a login out is atomic, so a replayed callback finds nothing, however
 * the application handles its session. The price: a restart forgets logins in flight (the person clicks again),
 * and several application nodes need sticky sessions.
 *
 * <p>Bounded against a flood of "connect" clicks: a few logins per session, a few thousand sessions (the oldest
 * go first), each valid for {@link #LIFETIME}.
 */
final class PendingLogins {

    /** How long a person has on the provider's pages; Google's and Microsoft's codes live minutes too. */
    static final Duration LIFETIME = Duration.ofMinutes(15);
    private static final int PER_SESSION = 5;
    private static final int SESSIONS = 5_000;

    private record Entry(WebServerLogin login, Instant expiresAt) {
    }

    private final Clock clock;
    private final Map<String, List<Entry>> bySession = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Entry>> eldest) {
            return size() > SESSIONS;
        }
    };

    PendingLogins(Clock clock) {
        this.clock = clock;
    }

    synchronized void add(String session, WebServerLogin login) {
        Instant now = clock.instant();
        List<Entry> logins = bySession.computeIfAbsent(session, s -> new ArrayList<>());
        logins.removeIf(entry -> !entry.expiresAt().isAfter(now));
        if (logins.size() >= PER_SESSION) {
            logins.remove(0);
        }
        logins.add(new Entry(login, now.plus(LIFETIME)));
    }

    /**
     * Takes out the login of {@code session} whose state is {@code state} (compared in constant time): a second
     * call with the same state finds nothing. Expired logins are dropped on the way.
     */
    synchronized Optional<WebServerLogin> take(String session, String state) {
        List<Entry> logins = bySession.get(session);
        if (logins == null || state == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        WebServerLogin found = null;
        for (Iterator<Entry> it = logins.iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (!entry.expiresAt().isAfter(now)) {
                it.remove();
            } else if (found == null && entry.login().stateMatches(state)) {
                found = entry.login();
                it.remove();
            }
        }
        if (logins.isEmpty()) {
            bySession.remove(session);
        }
        return Optional.ofNullable(found);
    }
}
