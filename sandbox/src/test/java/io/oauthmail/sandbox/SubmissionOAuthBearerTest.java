package io.oauthmail.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The submission port spoken to line by line, as RFC 7628 and Google's XOAUTH2 page describe it: Angus Mail
 * has no OAUTHBEARER, and this also shows the exact replies (STARTTLS first, 334 challenge, 535 after the
 * client's answer).
 */
class SubmissionOAuthBearerTest {

    private static Sandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void oauthBearerWithAValidTokenLogsIn() throws IOException {
        String token = sandbox.issueAccessToken("alice@sandbox.test", Sandbox.MAIL_SCOPE, Duration.ofMinutes(5));
        try (Dialogue smtp = Dialogue.startTls(sandbox)) {
            assertThat(smtp.send("AUTH OAUTHBEARER " + oauthBearer("alice@sandbox.test", token))).startsWith("235");
            assertThat(smtp.send("MAIL FROM:<alice@sandbox.test>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<nobody@sandbox.test>")).startsWith("550");
        }
    }

    @Test
    void oauthBearerWithABadTokenGetsTheRfc7628ChallengeThen535() throws IOException {
        try (Dialogue smtp = Dialogue.startTls(sandbox)) {
            String challenge = smtp.send("AUTH OAUTHBEARER " + oauthBearer("alice@sandbox.test", "not-a-token"));
            assertThat(challenge).startsWith("334 ");
            String json = new String(Base64.getDecoder().decode(challenge.substring(4).trim()), StandardCharsets.UTF_8);
            assertThat(json).contains("\"status\":\"invalid_token\"").contains(Sandbox.MAIL_SCOPE);
            assertThat(smtp.send("AQ==")).startsWith("535 5.7.8");
        }
    }

    @Test
    void xoauth2WithoutInitialResponseAndABadTokenGetsGmailsExchange() throws IOException {
        try (Dialogue smtp = Dialogue.startTls(sandbox)) {
            assertThat(smtp.send("AUTH XOAUTH2")).isEqualTo("334 ");
            String raw = "user=alice@sandbox.test\u0001auth=Bearer nope\u0001\u0001";
            String challenge = smtp.send(Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8)));
            assertThat(challenge).startsWith("334 ");
            assertThat(smtp.send("")).startsWith("535 5.7.8");
        }
    }

    @Test
    void nothingButStartTlsIsAcceptedBeforeTls() throws IOException {
        try (Socket plain = new Socket(sandbox.submission().host(), sandbox.submission().port())) {
            Dialogue smtp = new Dialogue(plain);
            smtp.read(); // greeting
            smtp.ehlo();
            assertThat(smtp.send("AUTH XOAUTH2 dGVzdA==")).startsWith("530");
            assertThat(smtp.send("MAIL FROM:<alice@sandbox.test>")).startsWith("530");
        }
    }

    private static String oauthBearer(String user, String token) {
        String raw = "n,a=" + user + ",\u0001host=127.0.0.1\u0001port=587\u0001auth=Bearer " + token + "\u0001\u0001";
        return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** A minimal SMTP client: one command, the final line of its reply. */
    private static final class Dialogue implements AutoCloseable {
        private Socket socket;
        private BufferedReader in;
        private OutputStream out;

        Dialogue(Socket socket) throws IOException {
            attach(socket);
        }

        static Dialogue startTls(Sandbox sandbox) throws IOException {
            Socket plain = new Socket(sandbox.submission().host(), sandbox.submission().port());
            Dialogue smtp = new Dialogue(plain);
            assertThat(smtp.read()).startsWith("220");
            smtp.ehlo();
            assertThat(smtp.send("STARTTLS")).startsWith("220");
            SSLSocket tls = (SSLSocket) sandbox.clientTlsContext().getSocketFactory()
                    .createSocket(plain, sandbox.submission().host(), sandbox.submission().port(), true);
            tls.startHandshake();
            smtp.attach(tls);
            assertThat(smtp.ehlo()).contains("AUTH XOAUTH2 OAUTHBEARER");
            return smtp;
        }

        private void attach(Socket s) throws IOException {
            socket = s;
            socket.setSoTimeout(5000);
            in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            out = s.getOutputStream();
        }

        String ehlo() throws IOException {
            out.write("EHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder all = new StringBuilder();
            String line;
            do {
                line = in.readLine();
                all.append(line).append('\n');
            } while (line.length() > 3 && line.charAt(3) == '-');
            return all.toString();
        }

        String send(String command) throws IOException {
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read();
        }

        String read() throws IOException {
            String line;
            do {
                line = in.readLine();
            } while (line != null && line.length() > 3 && line.charAt(3) == '-');
            return line;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
