package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload stops the old listeners from accepting: their open sessions go on to their end, and then the old
 * listener gives its threads back (before, each reload left its event loops running for good).
 */
class ProxyDrainTest {

    @Test
    void aListenerThatStopsAcceptingServesItsSessionsToTheEndThenEnds(@TempDir Path dir) throws Exception {
        try (ProxyFixture proxies = new ProxyFixture(Sandbox.start(), dir, TokenManager.DEFAULT_MARGIN, 10, Map.of())) {
            int port = proxies.imap.port();
            try (ProxyFixture.Raw client = new ProxyFixture.Raw(port)) {
                client.line();
                client.send("a1 LOGIN " + ProxyFixture.BOB + " \"" + ProxyFixture.PASSWORD + "\"");
                assertThat(client.until("a1 ")).last().asString().startsWith("a1 OK");

                proxies.imap.stopAccepting();

                try (ServerSocket rebound = new ServerSocket()) { // as a reload's new listener binds (SO_REUSEADDR)
                    rebound.setReuseAddress(true);
                    rebound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    assertThat(rebound.getLocalPort()).as("the port is free for the reloaded listener").isEqualTo(port);
                }
                client.send("a2 SELECT INBOX");
                assertThat(client.until("a2 ")).last().asString().startsWith("a2 OK");
                assertThat(proxies.imap.terminated()).as("still serving the open session").isFalse();
                client.send("a3 LOGOUT");
                client.until("a3 ");
            }
            ended("its event loops ended with its last session", proxies.imap);
        }
    }

    @Test
    void aListenerWithoutSessionsEndsAtOnce(@TempDir Path dir) throws IOException, InterruptedException {
        try (ProxyFixture proxies = new ProxyFixture(Sandbox.start(), dir, TokenManager.DEFAULT_MARGIN, 10, Map.of())) {
            proxies.pop3.stopAccepting();
            ended("its event loops ended at once", proxies.pop3);
        }
    }

    private static void ended(String what, ProtocolProxy proxy) {
        await(what).atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(25))
                .until(proxy::terminated);
    }
}
