package io.oauthmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.Account;
import io.oauthmail.provider.Providers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlAndNotifierTest {

    @TempDir
    Path dir;

    @Test
    void theControlSocketAnswersStatusAndOnlyItsOwnerCanReachIt() throws Exception {
        Path socket = dir.resolve("run/serve.sock");
        try (ControlServer server = ControlServer.start(socket, () -> "{\"account\":\"me\",\"status\":\"ok\"}\n")) {
            assertThat(ControlServer.query(socket, "STATUS")).startsWith("{\"account\":\"me\",\"status\":\"ok\"}");
            assertThat(ControlServer.query(socket, "SHUTDOWN")).startsWith("ERR");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void hooksGetTheEventInTheirEnvironmentAndWarningsAreSentOnce() throws Exception {
        Path out = dir.resolve("events.txt");
        String append = "echo \"$OAUTHMAIL_EVENT|$OAUTHMAIL_ACCOUNT|$OAUTHMAIL_FIX|$OAUTHMAIL_MESSAGE\" >> " + out;
        Notifier notifier = new Notifier(Map.of("on_reauth_needed", append, "on_warning", append));
        Account me = new Account("me@gmail.com", "me@gmail.com", Providers.google(), "client", null, null, null);
        notifier.reauthorizationNeeded(me, "the grant was revoked", "oauthmail login me@gmail.com");
        notifier.warning(me, "7 days");
        notifier.warning(me, "7 days");
        notifier.tokenRefreshed(me, java.time.Instant.now()); // no hook configured: nothing runs
        for (int i = 0; i < 100 && (!Files.exists(out) || Files.readAllLines(out).size() < 2); i++) {
            Thread.sleep(50);
        }
        Thread.sleep(200); // a duplicate warning would have been written by now
        assertThat(Files.readAllLines(out)).containsExactlyInAnyOrder(
                "reauth_needed|me@gmail.com|oauthmail login me@gmail.com|the grant was revoked",
                "warning|me@gmail.com||7 days");
    }
}
