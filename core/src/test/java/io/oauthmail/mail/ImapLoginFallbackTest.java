package io.oauthmail.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.MailFailure;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.provider.TlsMode;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.token.TokenManager;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Angus Mail falls back to {@code LOGIN user token} when the server offers none of the configured
 * mechanisms. A real IMAP server on a socket that offers only LOGIN must never see the token.
 */
class ImapLoginFallbackTest {

    @TempDir
    Path dir;

    @Test
    void aServerWithoutXoauth2NeverReceivesTheToken() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread imap = new Thread(() -> serveOneClient(server, received));
            imap.setDaemon(true);
            imap.start();

            Provider provider = new Provider("legacy", new OAuthEndpoints(URI.create("http://127.0.0.1:1/a"),
                    URI.create("http://127.0.0.1:1/t"), null, null, null), List.of("mail"),
                    new MailServer("127.0.0.1", server.getLocalPort(), TlsMode.PLAIN), null, null, null);
            Account account = new Account("legacy", "me@legacy.test", provider, "client", null, null, null);
            EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
            store.save(account.name(), new TokenSet("TOKEN-MUST-NOT-LEAK", Instant.now().plusSeconds(3600), null, null, List.of(), null));
            MailSessions sessions = new MailSessions(new TokenManager(store, Clock.systemUTC()), Duration.ofSeconds(5));

            assertThatThrownBy(() -> new InboxReader(sessions).list(account, "INBOX", 1))
                    .isInstanceOf(MailFailure.class)
                    .hasMessageContaining("offers none of XOAUTH2 OAUTHBEARER");
            imap.join(5000);
        }
        assertThat(received).isNotEmpty().noneMatch(line -> line.contains("TOKEN-MUST-NOT-LEAK"))
                .noneMatch(line -> line.toUpperCase().contains(" LOGIN "));
    }

    private static void serveOneClient(ServerSocket server, List<String> received) {
        try (Socket client = server.accept()) {
            client.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = client.getOutputStream();
            out.write("* OK legacy server ready\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line;
            while ((line = in.readLine()) != null) {
                received.add(line);
                String tag = line.split(" ")[0];
                String reply = line.toUpperCase().contains("CAPABILITY")
                        ? "* CAPABILITY IMAP4rev1\r\n" + tag + " OK done\r\n"
                        : line.toUpperCase().contains("LOGOUT") ? "* BYE\r\n" + tag + " OK bye\r\n"
                        : tag + " OK whatever\r\n";
                out.write(reply.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (Exception ignored) {
            // the client went away
        }
    }
}
