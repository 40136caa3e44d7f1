package io.oauthmail.cli.queue;

import io.oauthmail.server.relay.QueueJson.State;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Queued messages as lines for a person: {@code queue list}'s lines and summary, {@code queue show}'s rows. */
final class QueueLines {

    /** The last error in a list line: enough to recognise it; {@code queue show} has all of it. */
    private static final int ERROR_WIDTH = 60;

    private QueueLines() {
    }

    /** {@code ID ACCOUNT FROM -> FIRST (+N) SIZE AGE tries:N next:IN STATE ERROR}. */
    static String line(Entry entry, Instant now) {
        Envelope envelope = entry.envelope();
        List<String> to = envelope.recipients();
        String recipients = to.get(0) + (to.size() > 1 ? " (+" + (to.size() - 1) + ")" : "");
        String error = entry.lastError().map(QueueLines::shorten).map(text -> "  " + text).orElse("");
        return String.format("%s  %-24s %s -> %s  %s  %s old  tries %d  next %s  %s%s", entry.id(), envelope.account(),
                sender(envelope), recipients, size(entry.size()), age(Duration.between(envelope.received(), now)),
                entry.attempts(), next(entry, now), State.of(entry).word(), error);
    }

    /** {@code N message(s), SIZE: N queued, N deferred, N held (accounts), N delivering; oldest AGE}. */
    static String summary(List<Entry> entries, Instant now) {
        if (entries.isEmpty()) {
            return "the relay queue is empty";
        }
        Map<State, Integer> byState = new EnumMap<>(State.class);
        TreeSet<String> held = new TreeSet<>();
        long bytes = 0;
        Instant oldest = entries.get(0).envelope().received();
        for (Entry entry : entries) {
            byState.merge(State.of(entry), 1, Integer::sum);
            entry.heldBecause().ifPresent(why -> held.add(entry.envelope().account()));
            bytes += entry.size();
            oldest = entry.envelope().received().isBefore(oldest) ? entry.envelope().received() : oldest;
        }
        List<String> parts = new ArrayList<>();
        byState.forEach((state, count) -> parts.add(count + " " + state.word()
                + (state == State.HELD ? " (" + String.join(", ", held) + ": oauthmail login ACCOUNT)" : "")));
        return entries.size() + " message(s), " + size(bytes) + ": " + String.join(", ", parts) + "; oldest "
                + age(Duration.between(oldest, now)) + " old";
    }

    /** {@code queue show}'s rows: label, value; every recipient on a row of its own. */
    static List<String> show(Entry entry, Instant now) {
        Envelope envelope = entry.envelope();
        List<String> rows = new ArrayList<>();
        rows.add(row("id", entry.id().value()));
        rows.add(row("state", State.of(entry).word()));
        rows.add(row("account", envelope.account()));
        rows.add(row("from", sender(envelope)));
        for (int i = 0; i < envelope.recipients().size(); i++) {
            rows.add(row(i == 0 ? "to" : "", envelope.recipients().get(i)));
        }
        rows.add(row("client", envelope.client()));
        rows.add(row("received", envelope.received() + " (" + age(Duration.between(envelope.received(), now)) + " ago)"));
        rows.add(row("size", entry.size() + " bytes"));
        rows.add(row("attempts", Integer.toString(entry.attempts())));
        rows.add(row("next attempt", entry.heldBecause().isPresent() ? "when the account logs in again"
                : entry.nextAttempt() + " (" + next(entry, now) + ")"));
        entry.lastError().ifPresent(error -> rows.add(row("last error", error)));
        entry.heldBecause().ifPresent(why -> rows.add(row("held", why + " (it goes once the account logs in again: "
                + "oauthmail login " + envelope.account() + ")")));
        entry.leasedBy().ifPresent(host -> rows.add(row("delivering", "now, by " + host)));
        return rows;
    }

    private static String row(String label, String value) {
        return String.format("%-14s %s", label.isEmpty() ? "" : label + ":", value);
    }

    private static String sender(Envelope envelope) {
        return envelope.mailFrom().isEmpty() ? "<>" : envelope.mailFrom();
    }

    private static String next(Entry entry, Instant now) {
        if (entry.heldBecause().isPresent()) {
            return "-";
        }
        Duration wait = Duration.between(now, entry.nextAttempt());
        return wait.isNegative() || wait.isZero() ? "now" : "in " + age(wait);
    }

    private static String shorten(String error) {
        String one = error.replaceAll("\\s+", " ").strip();
        return one.length() <= ERROR_WIDTH ? one : one.substring(0, ERROR_WIDTH - 3) + "...";
    }

    private static String age(Duration d) {
        return Amounts.age(d);
    }

    private static String size(long bytes) {
        return Amounts.size(bytes);
    }
}
