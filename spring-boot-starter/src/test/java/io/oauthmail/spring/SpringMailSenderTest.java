package io.oauthmail.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.TokenSet;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.Stores;
import io.oauthmail.store.TokenStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.testing.Mailboxes;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.mail.MailSender;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;

/** A Spring Boot application sends through the sandbox with the starter's JavaMailSender, over real sockets. */
class SpringMailSenderTest {

    private static final String ALICE = StarterFixture.ALICE;

    private static Sandbox sandbox;
    private static Path config;
    private static Path tokens;
    private static TokenStore store;

    @BeforeAll
    static void start(@TempDir Path home) {
        sandbox = Sandbox.start();
        config = StarterFixture.config(sandbox, home, ALICE);
        tokens = home.resolve("tokens");
        store = StarterFixture.logIn(sandbox, tokens, ALICE);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void sendsASimpleMessageAndAMimeMessageWithAnAttachmentAsTheConfiguredAccount() throws Exception {
        Map<String, Object> properties = StarterFixture.configured(config, tokens, ALICE);
        // Spring Boot's own sender would be set up by this; the starter's comes first and Boot's backs off
        properties.put("spring.mail.host", "unused.invalid");
        // and Boot's startup check logs in with the starter's sender
        properties.put("spring.mail.test-connection", "true");
        int logins = sandbox.submissionLogins();
        try (ConfigurableApplicationContext app = StarterFixture.run(properties, null)) {
            assertThat(app.getBeansOfType(MailSender.class)).hasSize(1);
            assertThat(sandbox.submissionLogins() - logins).as("spring.mail.test-connection logged in").isEqualTo(1);
            JavaMailSender sender = app.getBean(JavaMailSender.class);

            StarterFixture.sendSimple(app, "spring simple");

            MimeMessage mime = sender.createMimeMessage();
            MimeMessageHelper helper = new MimeMessageHelper(mime, true);
            helper.setFrom(ALICE);
            helper.setTo("bob@sandbox.test");
            helper.setSubject("spring attachment");
            helper.setText("<p>the report is attached</p>", true);
            helper.addAttachment("report.bin", new ByteArrayResource(attachment()));
            sender.send(mime);
        }
        assertThat(Mailboxes.received(sandbox, "spring simple")).isEqualTo(1);
        MimeMessage received = sandbox.receivedMessages().stream().filter(m -> subject(m).equals("spring attachment"))
                .findFirst().orElseThrow();
        Multipart parts = (Multipart) received.getContent();
        Part attachment = parts.getBodyPart(1);
        assertThat(attachment.getFileName()).isEqualTo("report.bin");
        assertThat(attachment.getInputStream().readAllBytes()).isEqualTo(attachment());
        assertThat(received.getFrom()[0].toString()).isEqualTo(ALICE);
    }

    @Test
    void aTokenTheServerRefusesBeforeItsExpiryIsRefreshedOnceAndTheSendGoesThrough() {
        // a token the mail server refuses (no mail scope) though it has an hour left, as after a revocation
        TokenSet stored = store.load(ALICE).orElseThrow();
        store.save(ALICE, new TokenSet(sandbox.issueAccessToken(ALICE, "openid email", Duration.ofHours(1)),
                Instant.now().plus(Duration.ofHours(1)), stored.refreshToken(), stored.refreshTokenIssuedAt(),
                stored.scopes(), stored.idToken(), stored.obtainedAt()));
        int refreshes = sandbox.tokenRequests("refresh_token");
        try (ConfigurableApplicationContext app = StarterFixture.run(StarterFixture.configured(config, tokens, ALICE), null)) {
            StarterFixture.sendSimple(app, "spring refused token");
        }
        assertThat(Mailboxes.received(sandbox, "spring refused token")).isEqualTo(1);
        assertThat(sandbox.tokenRequests("refresh_token") - refreshes).isEqualTo(1);
    }

    @Test
    void anAccountDescribedInPropertiesSendsWithoutAConfigFile() {
        Map<String, Object> properties = Map.of(
                "oauthmail.provider", "generic",
                "oauthmail.issuer", sandbox.issuer().toString(),
                "oauthmail.client-id", Sandbox.CLIENT_ID,
                "oauthmail.email", ALICE,
                "oauthmail.scopes", "openid,email," + Sandbox.MAIL_SCOPE,
                "oauthmail.ca-file", sandbox.caFile().toString(),
                "oauthmail.smtp.host", sandbox.submission().host(),
                "oauthmail.smtp.port", sandbox.submission().port(),
                "oauthmail.smtp.tls", "starttls",
                "oauthmail.store.dir", tokens.toString());
        try (ConfigurableApplicationContext app = StarterFixture.run(properties, null)) {
            StarterFixture.sendSimple(app, "spring inline");
        }
        assertThat(Mailboxes.received(sandbox, "spring inline")).isEqualTo(1);
    }

    @Test
    void tokensInAJdbcStoreNamedByItsUrl(@TempDir Path dir) {
        String url = "jdbc:h2:file:" + dir.resolve("tokens") + ";AUTO_SERVER=TRUE";
        // a login of its own: two stores holding one rotating refresh token would spend it twice
        TokenStore jdbc = Stores.open(new Stores.Location("jdbc", dir, url), null);
        jdbc.save(ALICE, SandboxLogins.login(sandbox, SandboxAccounts.account(sandbox, ALICE)).tokens());
        Map<String, Object> properties = StarterFixture.configured(config, dir, ALICE);
        properties.put("oauthmail.store.jdbc-url", url);
        try (ConfigurableApplicationContext app = StarterFixture.run(properties, null)) {
            StarterFixture.sendSimple(app, "spring jdbc store");
        }
        assertThat(Mailboxes.received(sandbox, "spring jdbc store")).isEqualTo(1);
    }

    /** Every byte value: an attachment that only arrives intact if it was encoded and sent as binary. */
    private static byte[] attachment() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static String subject(MimeMessage message) {
        try {
            return String.valueOf(message.getSubject());
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
