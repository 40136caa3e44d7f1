package io.oauthmail.server.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.oauthmail.account.Account;
import io.oauthmail.config.ListenerSettings;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.provider.Providers;
import io.oauthmail.server.proxy.LocalCertificate;
import io.oauthmail.server.proxy.LocalPasswords;
import io.oauthmail.server.relay.RelayQueue.Entry;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay's SMTP side over real sockets: who may send, as whom, and that 250 means queued and nothing else does. */
class RelayListenerTest {

    private static final String PASSWORD = "local-password-1";
    private static final Account OFFICE = new Account("office", "office@corp.example", Providers.google(), "client", null, null, null);
    private static final Account BOSS = new Account("boss", "boss@corp.example", Providers.google(), "client", null, null, null);
    private static final Map<String, Account> ACCOUNTS = Map.of("office", OFFICE, "boss", BOSS);

    /** One password file for all tests: each set costs a slow hash. */
    @TempDir
    static Path shared;

    @TempDir
    Path home;

    private static LocalPasswords passwords;
    private FileSpool spool;
    private RelayListener relay;
    private final List<Entry> accepted = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void passwords() {
        passwords = new LocalPasswords(shared.resolve("local-passwords"));
        passwords.set("office", PASSWORD.toCharArray());
        passwords.set("boss", PASSWORD.toCharArray());
    }

    @AfterEach
    void stop() throws IOException {
        if (relay != null) {
            relay.close();
        }
        if (spool != null) {
            spool.close();
        }
        accepted.clear();
    }

    private int start(ListenerSettings.Relay settings, FileSpool.Limits limits) throws IOException {
        spool = FileSpool.open(Files.createTempDirectory(home, "relay"), limits, Clock.systemUTC());
        relay = RelayListener.start(listener("127.0.0.1", settings), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Optional.empty(), ACCOUNTS, passwords, spool, accepted::add, Clock.systemUTC());
        return relay.port();
    }

    private int start(ListenerSettings.Relay settings) throws IOException {
        return start(settings, new FileSpool.Limits(0, 0));
    }

    private static ListenerSettings listener(String host, ListenerSettings.Relay settings) {
        return new ListenerSettings("listener[1]", "relay", host + ":0", Optional.empty(), "none", Optional.empty(),
                Optional.empty(), List.of(), 50, settings);
    }

    private static ListenerSettings.Relay relay(Optional<String> account, List<String> unauthenticated, long maxSize) {
        return new ListenerSettings.Relay(account, unauthenticated, maxSize);
    }

    @Test
    void aLoggedInClientsMessageIsQueuedForItsAccountBeforeItHears250() throws Exception {
        int port = start(ListenerSettings.Relay.DEFAULTS);
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(port));
        props.put("mail.smtp.auth", "true");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("anyone@elsewhere.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("customer@example.net"));
        message.setSubject("invoice 42");
        message.setText("the invoice is attached\r\n");

        Transport.send(message, "office", PASSWORD);

        Entry entry = spool.list().get(0);
        assertThat(entry.envelope().account()).isEqualTo("office");
        assertThat(entry.envelope().mailFrom()).isEqualTo("anyone@elsewhere.example");
        assertThat(entry.envelope().recipients()).containsExactly("customer@example.net");
        assertThat(entry.envelope().client()).isEqualTo("127.0.0.1");
        assertThat(new String(spool.open(entry.id()).readAllBytes())).contains("Subject: invoice 42")
                .contains("the invoice is attached").contains("Received: from");
        assertThat(accepted).containsExactly(entry);
        assertThatThrownBy(() -> Transport.send(message, "office", "wrong-password"))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThat(spool.list()).hasSize(1);
    }

    @Test
    void the250NamesTheQueueId() throws Exception {
        int port = start(ListenerSettings.Relay.DEFAULTS);
        try (SmtpDialog smtp = new SmtpDialog(port)) {
            assertThat(smtp.login("boss", PASSWORD)).startsWith("235");
            String reply = smtp.sendMail("boss@corp.example", "x@example.net", "Subject: s\r\n\r\nbody");

            assertThat(reply).isEqualTo("250 2.0.0 Ok: queued as " + spool.list().get(0).id());
            assertThat(spool.list().get(0).envelope().account()).isEqualTo("boss");
        }
    }

    @Test
    void neverAnOpenRelayAClientThatDidNotLogInIsRefusedAtMail() throws Exception {
        int port = start(relay(Optional.of("office"), List.of("192.0.2.0/24"), 1000));
        try (SmtpDialog smtp = new SmtpDialog(port)) {
            smtp.send("EHLO printer.lan");

            assertThat(smtp.send("MAIL FROM:<printer@lan.example>")).startsWith("530 5.7.0");
            assertThat(smtp.send("MAIL FROM:<office@corp.example>")).startsWith("530 5.7.0");
            assertThat(smtp.send("RCPT TO:<x@example.net>")).startsWith("503");
        }
        assertThat(spool.list()).isEmpty();
    }

    @Test
    void aListedDeviceSendsWithoutLoginButOnlyAsTheListenersAccount() throws Exception {
        int port = start(relay(Optional.of("office"), List.of("127.0.0.0/8"), 10_000));
        try (SmtpDialog smtp = new SmtpDialog(port)) {
            smtp.send("EHLO printer.lan");
            assertThat(smtp.send("MAIL FROM:<boss@corp.example>")).startsWith("550 5.7.1")
                    .contains("may send only as office");
            assertThat(smtp.sendMail("scanner@printer.lan", "x@example.net", "Subject: scan\r\n\r\nscan")).startsWith("250");
        }
        assertThat(spool.list()).singleElement().satisfies(entry -> assertThat(entry.envelope().account()).isEqualTo("office"));
    }

    @Test
    void aListenerWithoutAnAccountTellsADeviceToLogIn() throws Exception {
        int port = start(relay(Optional.empty(), List.of("127.0.0.1"), 10_000));
        try (SmtpDialog smtp = new SmtpDialog(port)) {
            smtp.send("EHLO printer.lan");
            assertThat(smtp.send("MAIL FROM:<scanner@printer.lan>")).startsWith("550 5.7.1").contains("log in");
        }
    }

    @Test
    void tooLargeIsRefusedAtMailWhenAnnouncedAndAfterDataWhenNotAndNothingIsKept() throws Exception {
        int port = start(relay(Optional.empty(), List.of(), 1000));
        try (SmtpDialog smtp = new SmtpDialog(port)) {
            assertThat(smtp.send("EHLO client.example")).contains("250-SIZE 1000");
            smtp.send("AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString("\0office\0local-password-1".getBytes()));
            assertThat(smtp.send("MAIL FROM:<office@corp.example> SIZE=5000")).startsWith("552 5.3.4");

            String reply = smtp.sendMail("office@corp.example", "x@example.net", "Subject: big\r\n\r\n" + "x".repeat(70).concat("\r\n").repeat(50));
            assertThat(reply).startsWith("552 5.3.4");
            assertThat(smtp.send("NOOP")).as("the rest of the message was read, not taken for commands").startsWith("250");
        }
        assertThat(spool.list()).isEmpty();
        assertThat(names(spool.folder())).containsExactly("spool.lock");
    }

    @Test
    void malformedAddressesAreRefused() throws Exception {
        int port = start(ListenerSettings.Relay.DEFAULTS);
        try (SmtpDialog smtp = new SmtpDialog(port)) {
            smtp.login("office", PASSWORD);
            assertThat(smtp.send("MAIL FROM:<not an address>")).matches("(501|553) .*");
            assertThat(smtp.send("MAIL FROM:<office@corp.example>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<nobody@>")).startsWith("553 5.1.3");
            assertThat(smtp.send("RCPT TO:<no-domain>")).startsWith("553 5.1.3");
            assertThat(smtp.send("RCPT TO:<x@example.net>")).startsWith("250");
        }
    }

    @Test
    void aClientThatLeavesMidDataLeavesNothingQueued() throws Exception {
        int port = start(ListenerSettings.Relay.DEFAULTS);
        try (SmtpDialog smtp = new SmtpDialog(port)) {
            smtp.login("office", PASSWORD);
            smtp.send("MAIL FROM:<office@corp.example>");
            smtp.send("RCPT TO:<x@example.net>");
            assertThat(smtp.send("DATA")).startsWith("354");
            smtp.write("Subject: cut short\r\n\r\n" + "line\r\n".repeat(20_000));
            await().atMost(Duration.ofSeconds(10)).until(() -> names(spool.folder()).stream().anyMatch(n -> n.startsWith(".tmp-")));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> names(spool.folder()).equals(List.of("spool.lock")));
        assertThat(spool.list()).isEmpty();
        assertThat(accepted).isEmpty();
    }

    @Test
    void aFullQueueSays452AndAcknowledgesNothing() throws Exception {
        int port = start(ListenerSettings.Relay.DEFAULTS, new FileSpool.Limits(0, 1));
        try (SmtpDialog smtp = new SmtpDialog(port)) {
            smtp.login("office", PASSWORD);
            assertThat(smtp.sendMail("office@corp.example", "x@example.net", "Subject: 1\r\n\r\none")).startsWith("250");
            assertThat(smtp.sendMail("office@corp.example", "x@example.net", "Subject: 2\r\n\r\ntwo")).startsWith("452 4.3.1");
            assertThat(smtp.send("NOOP")).startsWith("250");
        }
        assertThat(spool.list()).hasSize(1);
        assertThat(accepted).hasSize(1);
    }

    @Test
    void beyondLoopbackOnlyWithTls() throws Exception {
        spool = FileSpool.open(home.resolve("wide"), new FileSpool.Limits(0, 0), Clock.systemUTC());
        assertThatThrownBy(() -> RelayListener.start(listener("0.0.0.0", ListenerSettings.Relay.DEFAULTS),
                new InetSocketAddress("0.0.0.0", 0), Optional.empty(), ACCOUNTS, passwords, spool, accepted::add, Clock.systemUTC()))
                .isInstanceOf(OAuthMailException.class).hasMessageContaining("without TLS");
    }

    @Test
    void withStartTlsNothingButEhloAndStartTlsGoesInTheClear() throws Exception {
        spool = FileSpool.open(home.resolve("tls"), new FileSpool.Limits(0, 0), Clock.systemUTC());
        LocalCertificate certificate = LocalCertificate.generated(home.resolve("proxy-tls"), List.of("127.0.0.1"), Clock.systemUTC());
        ListenerSettings settings = new ListenerSettings("listener[1]", "relay", "127.0.0.1:0", Optional.empty(), "starttls",
                Optional.empty(), Optional.empty(), List.of(), 50, ListenerSettings.Relay.DEFAULTS);
        relay = RelayListener.start(settings, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Optional.of(certificate),
                ACCOUNTS, passwords, spool, accepted::add, Clock.systemUTC());
        try (SmtpDialog smtp = new SmtpDialog(relay.port())) {
            assertThat(smtp.send("EHLO client.example")).contains("STARTTLS");
            assertThat(smtp.send("AUTH PLAIN AG9mZmljZQBsb2NhbC1wYXNzd29yZC0x")).startsWith("530");
        }
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(relay.port()));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.trust", "127.0.0.1"); // the generated certificate: trusted for this test only
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("office@corp.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("customer@example.net"));
        message.setText("over TLS\r\n");

        Transport.send(message, "office", PASSWORD);

        assertThat(spool.list()).singleElement().satisfies(entry -> assertThat(entry.envelope().account()).isEqualTo("office"));
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
