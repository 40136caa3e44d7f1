package io.oauthmail.server.proxy;

import static io.oauthmail.server.proxy.ProxyFixture.BOB;
import static io.oauthmail.server.proxy.ProxyFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Garbage, over-long lines and a crowd: each gets the protocol's answer, and the proxies keep serving. */
class ProxyHostileClientsTest {

    private static final int CLIENTS = 200;
    private static ProxyFixture proxies;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        proxies = new ProxyFixture(io.oauthmail.sandbox.Sandbox.start(), dir, io.oauthmail.token.TokenManager.DEFAULT_MARGIN,
                CLIENTS + 10, Map.of());
        proxies.aliceSendsBob("for the crowd", "hi");
    }

    @AfterAll
    static void stop() {
        proxies.close();
    }

    private static void garbage(ProxyFixture.Raw client) throws IOException {
        client.out.write(new byte[] {0, (byte) 0xff, (byte) 0xfe, 27, '[', '2', 'J', 7, '\r', '\n'});
        client.out.write("\r\n \r\n\t\u0000\r\n".getBytes(StandardCharsets.ISO_8859_1));
        client.out.flush();
    }

    private static void overLong(ProxyFixture.Raw client) throws IOException {
        client.out.write(("X" + "y".repeat(ClientInput.MAX_LINE * 4) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        client.out.flush();
    }

    /**
     * Garbage gets the protocol's error for each line and the session goes on ({@code probe} is answered with
     * {@code probeAnswer}); an over-long line gets {@code tooLong} and the session ends.
     */
    private static void garbageThenOverLong(int port, String greeting, String garbageAnswer, String probe, String probeAnswer,
            String tooLong) throws IOException {
        try (ProxyFixture.Raw client = new ProxyFixture.Raw(port)) {
            client.until(greeting);
            garbage(client);
            client.send(probe);
            List<String> answers = client.until(probeAnswer);
            assertThat(answers.subList(0, answers.size() - 1)).isNotEmpty().allMatch(line -> line.contains(garbageAnswer));
            overLong(client);
            assertThat(client.line()).isEqualTo(tooLong);
            assertThat(client.line()).isNull();
        }
    }

    @Test
    void smtpAnswersGarbageAndEndsOverLongLinesWithAnError() throws Exception {
        garbageThenOverLong(proxies.smtp.port(), "220", "502 5.5.2", "NOOP", "250", "500 5.5.2 line too long");
    }

    @Test
    void imapAnswersGarbageAndEndsOverLongLinesWithBye() throws Exception {
        garbageThenOverLong(proxies.imap.port(), "* OK", "BAD", "a1 NOOP", "a1 OK NOOP completed", "* BYE line too long");
    }

    @Test
    void pop3AnswersGarbageAndEndsOverLongLinesWithAnError() throws Exception {
        garbageThenOverLong(proxies.pop3.port(), "+OK", "-ERR", "NOOP", "+OK", "-ERR line too long");
        assertThat(proxies.pop3.upstreamLogins()).isZero(); // garbage never reached the server
    }

    /**
     * Issue 10 item 2: {@code a LOGIN {abc}} threw a NumberFormatException with no reply. Each malformed LOGIN, listed
     * or random, gets BAD, the session goes on, and nothing counts as a failed login or reaches upstream.
     */
    @Test
    void malformedLoginArgumentsAreAnsweredBadAndTheSessionGoesOn() throws Exception {
        List<String> malformed = new ArrayList<>(List.of("{abc}", "bob {}", "bob {+}", "bob {-1}", "bob {99999999999}",
                "bob {4097}", "bob {1 2}", "bob \"unterminated", "\"bob\" \"pw\\\""));
        java.util.Random random = new java.util.Random(2);
        for (int i = 0; i < 200; i++) {
            StringBuilder junk = new StringBuilder().append("x-+ ".charAt(random.nextInt(4)));
            for (int n = random.nextInt(8); n > 0; n--) {
                junk.append("0123456789abz+- ".charAt(random.nextInt(16)));
            }
            malformed.add((random.nextBoolean() ? "bob " : "") + "{" + junk + "}");
        }
        int logins = proxies.imap.upstreamLogins();
        try (ProxyFixture.Raw client = new ProxyFixture.Raw(proxies.imap.port())) {
            client.until("* OK");
            for (int i = 0; i < malformed.size(); i++) {
                client.send("b" + i + " LOGIN " + malformed.get(i));
                assertThat(client.line()).as(malformed.get(i)).startsWith("b" + i + " BAD ");
            }
            client.send("z NOOP");
            assertThat(client.line()).isEqualTo("z OK NOOP completed");
        }
        assertThat(proxies.imap.upstreamLogins()).isEqualTo(logins);
    }

    @Test
    @Tag("slow")
    void twoHundredClientsAtOnceAllReadThroughTheImapProxy() throws Exception {
        CyclicBarrier allLoggedIn = new CyclicBarrier(CLIENTS);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        int before = proxies.imap.upstreamLogins();
        Properties props = new Properties();
        props.put("mail.imap.connectiontimeout", "15000");
        props.put("mail.imap.timeout", "15000");
        Session session = Session.getInstance(props); // one for all: each new Session scans the class path
        try {
            List<Future<String>> subjects = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                subjects.add(clients.submit(() -> {
                    try (Store store = session.getStore("imap")) {
                        store.connect("127.0.0.1", proxies.imap.port(), BOB, PASSWORD);
                        Folder inbox = store.getFolder("INBOX");
                        inbox.open(Folder.READ_ONLY);
                        allLoggedIn.await(20, TimeUnit.SECONDS); // every session is open at the same time
                        Message first = inbox.getMessage(1);
                        String subject = first.getSubject();
                        inbox.close(false);
                        return subject;
                    }
                }));
            }
            for (Future<String> subject : subjects) {
                assertThat(subject.get(30, TimeUnit.SECONDS)).isEqualTo("for the crowd");
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(proxies.imap.upstreamLogins() - before).isEqualTo(CLIENTS);
    }

    /**
     * Issue 10, item 3: the attack that grew the daemon by 263 MB (literal after literal, never logging in) is cut
     * off after {@link ClientInput#MAX_BEFORE_LOGIN} bytes with a BYE that says why, in each protocol's words;
     * the proxy keeps serving. The bound is the memory proof: nothing a stranger sends is held beyond it.
     */
    @Test
    void aStrangerWhoNeverLogsInIsCutOffAfterTheBoundWithAReply() throws Exception {
        String chunk = "x".repeat(4000);
        try (ProxyFixture.Raw client = new ProxyFixture.Raw(proxies.imap.port())) {
            client.until("* OK");
            long sent = 0;
            client.send("a LOGIN {4000+}");
            try {
                while (sent < 10L * ClientInput.MAX_BEFORE_LOGIN) {
                    client.out.write((chunk + " {4000+}\r\n").getBytes(StandardCharsets.US_ASCII));
                    sent += chunk.length() + 10;
                }
                client.out.flush();
            } catch (IOException closed) {
                // the proxy closed the connection while we were still sending: what it should do
            }
            List<String> lines = new ArrayList<>();
            String line;
            try {
                while ((line = client.line()) != null) {
                    lines.add(line);
                }
            } catch (IOException reset) {
                // a reset after the BYE: the unread bytes we sent were discarded
            }
            assertThat(lines).as("sent %d bytes", sent).contains("* BYE too much sent before login");
        }
        for (int port : new int[] {proxies.smtp.port(), proxies.pop3.port()}) {
            try (ProxyFixture.Raw client = new ProxyFixture.Raw(port)) {
                client.line();
                List<String> replies = new ArrayList<>();
                try {
                    for (int i = 0; i < 40; i++) { // short lines, each answered: 40 x 4 KB is over the bound
                        client.send("NOOP " + "y".repeat(ClientInput.MAX_LINE - 10));
                        replies.add(client.line());
                    }
                    replies.add(client.line());
                } catch (IOException closed) {
                    // closed after the farewell
                }
                assertThat(replies).as("port %d", port).anyMatch(reply -> reply != null && reply.contains("too much sent before login"));
            }
        }
        try (ProxyFixture.Raw client = new ProxyFixture.Raw(proxies.imap.port())) { // and the proxy goes on
            client.until("* OK");
            client.send("z NOOP");
            assertThat(client.line()).isEqualTo("z OK NOOP completed");
        }
    }
}
