package io.oauthmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oauthmail.account.Account;
import io.oauthmail.provider.Providers;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayNoticesTest {

    @Test
    void aHeldQueueIsTheLostGrantNoticeAndABounceAWarning(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("events.txt");
        String append = "echo \"$OAUTHMAIL_EVENT|$OAUTHMAIL_ACCOUNT|$OAUTHMAIL_FIX|$OAUTHMAIL_MESSAGE\" >> " + out;
        Account me = new Account("printer", "me@gmail.com", Providers.google(), "client", null, null, null);
        RelayNotices notices = new RelayNotices(new Notifier(Map.of("on_reauth_needed", append, "on_warning", append)),
                name -> Optional.of(me).filter(a -> a.name().equals(name)));
        notices.held("printer", "invalid_grant", "oauthmail login printer");
        Entry entry = new Entry(new MessageId("abc123"), new Envelope("printer", "me@gmail.com", List.of("x@y.example"),
                "127.0.0.1", Instant.now()), 10, 1, Instant.now(), Optional.empty(), Optional.empty(), Optional.empty());
        notices.bounced(entry, List.of("x@y.example"), "550 5.1.1 no such user");
        notices.delivered(entry); // no hook for a delivery
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(out) && Files.readAllLines(out).size() == 2);
        assertThat(Files.readAllLines(out)).containsExactlyInAnyOrder(
                "reauth_needed|printer|oauthmail login printer|the relay holds this account's outgoing mail until it logs in "
                        + "again: invalid_grant",
                "warning|printer||relay: message abc123 bounced for 1 recipient(s): 550 5.1.1 no such user");
    }
}
