package io.oauthmail.server.relay;

import io.oauthmail.server.relay.RelayQueue.Entry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The relay's events as lines a test can assert on, e.g. {@code "bounced m1 [nobody@sandbox.test]"}. */
final class RecordedEvents implements RelayEvents {

    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void delivered(Entry entry) {
        lines.add("delivered " + entry.id());
    }

    @Override
    public void deferred(Entry entry, Instant next, String reason) {
        lines.add("deferred " + entry.id());
    }

    @Override
    public void bounced(Entry entry, List<String> recipients, String reason) {
        lines.add("bounced " + entry.id() + " " + recipients);
    }

    @Override
    public void dropped(Entry entry, String reason) {
        lines.add("dropped " + entry.id());
    }

    @Override
    public void held(String account, String reason, String fixCommand) {
        lines.add("held " + account + " " + fixCommand);
    }

    @Override
    public void released(String account) {
        lines.add("released " + account);
    }
}
