package io.oauthmail.mail.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.MailFailure;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.mail.rest.FakeRestApi.Reply;
import io.oauthmail.mail.rest.FakeRestApi.Request;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.provider.Providers;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.testing.LocalTokenServer;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Graph sender against a local Graph that checks the documented request format, and a local Microsoft
 * token endpoint that checks the Graph token is asked for with the Graph scope and rotates the refresh token
 * on every refresh, as Microsoft does.
 */
class GraphSenderTest {

    private static final List<String> OUTLOOK = List.of("https://outlook.office.com/SMTP.Send", "offline_access");
    private static final Reply UNAUTHORIZED = Reply.json(401, "{\"error\":{\"code\":\"InvalidAuthenticationToken\","
            + "\"message\":\"Access token validation failure. Invalid audience.\"}}");

    @TempDir
    Path dir;
    private FakeRestApi graph;
    private LocalTokenServer tokenEndpoint;
    private Function<Map<String, String>, LocalTokenServer.Reply> tokenReplies = GraphSenderTest::graphTokens;
    private EncryptedFileStore store;
    private Account account;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private GraphSender sender;

    /** Refresh n (counted from the refresh token it redeems) gives graph-access-n and rotates to refresh-(n+1). */
    private static LocalTokenServer.Reply graphTokens(Map<String, String> form) {
        int n = Integer.parseInt(form.get("refresh_token").substring("refresh-".length()));
        return new LocalTokenServer.Reply(200, "{\"access_token\":\"graph-access-" + n + "\",\"token_type\":\"Bearer\","
                + "\"expires_in\":3599,\"scope\":\"https://graph.microsoft.com/Mail.Send\",\"refresh_token\":\"refresh-"
                + (n + 1) + "\"}");
    }

    @BeforeEach
    void start() {
        graph = FakeRestApi.start(UNAUTHORIZED, Reply.empty(202), "graph-access-1");
        tokenEndpoint = LocalTokenServer.start(form -> tokenReplies.apply(form));
        Provider microsoft = Providers.microsoft("common");
        account = new Account("work", "me@corp.test", microsoft.withEndpoints(new OAuthEndpoints(
                microsoft.endpoints().authorization(), tokenEndpoint.uri(), null, null, null)), "client", null, OUTLOOK, null);
        store = EncryptedFileStore.openWithKeyFile(dir);
        store.save(account.name(), new TokenSet("outlook-access", Instant.now().plus(Duration.ofHours(1)), "refresh-1",
                Instant.now().minus(Duration.ofDays(1)), OUTLOOK, null));
        sender = new GraphSender(store, Clock.systemUTC(), graph.base(), Duration.ofSeconds(5),
                new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10)), sleeps::add);
    }

    @AfterEach
    void stop() {
        sender.close();
        graph.close();
        tokenEndpoint.close();
    }

    @Test
    void postsBase64MimeAsTextPlainWithAGraphTokenFromTheSameRefreshToken() throws Exception {
        MimeMessage message = TestMessages.small(account.mailUser());
        byte[] mime = TestMessages.bytes(message);

        assertThat(sender.send(account, message)).isEqualTo(message.getMessageID()).isNotBlank();

        Request request = graph.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1.0/me/sendMail");
        assertThat(request.query()).isNull();
        assertThat(request.header("authorization")).isEqualTo("Bearer graph-access-1");
        assertThat(request.header("content-type")).isEqualTo("text/plain");
        String body = new String(request.body(), StandardCharsets.US_ASCII);
        assertThat(body).matches("[A-Za-z0-9+/]+=*"); // standard base64, one line
        assertThat(Base64.getDecoder().decode(body)).isEqualTo(mime);

        assertThat(tokenEndpoint.forms()).hasSize(1);
        Map<String, String> refresh = tokenEndpoint.forms().get(0);
        assertThat(refresh).containsEntry("grant_type", "refresh_token").containsEntry("refresh_token", "refresh-1");
        assertThat(Set.of(refresh.get("scope").split(" "))).containsExactlyInAnyOrder(GraphTokens.MAIL_SEND, "offline_access");
    }

    @Test
    void theGraphTokenIsKeptApartAndTheRotatedRefreshTokenGoesBackToTheAccount() {
        sender.send(account, TestMessages.small(account.mailUser()));
        sender.send(account, TestMessages.small(account.mailUser()));

        assertThat(tokenEndpoint.forms()).as("the second send uses the cached Graph token").hasSize(1);
        TokenSet mail = store.load(account.name()).orElseThrow();
        assertThat(mail.accessToken()).isEqualTo("outlook-access");
        assertThat(mail.refreshToken()).isEqualTo("refresh-2");
        assertThat(mail.scopes()).isEqualTo(OUTLOOK);
        TokenSet graphTokens = store.load("work#graph").orElseThrow();
        assertThat(graphTokens.accessToken()).isEqualTo("graph-access-1");
        assertThat(graphTokens.refreshToken()).as("one home for the refresh token").isNull();
        // The mail token is untouched and still served without a refresh.
        assertThat(new TokenManager(store, Clock.systemUTC()).accessToken(account)).isEqualTo("outlook-access");
        assertThat(tokenEndpoint.forms()).hasSize(1);
    }

    @Test
    void a429IsRetriedAfterItsRetryAfterAndA500WithBackoff() {
        graph.then(new Reply(429, "application/json", "{\"error\":{\"code\":\"ApplicationThrottled\",\"message\":"
                + "\"Application is over its MailboxConcurrency limit.\"}}", "4"),
                Reply.json(500, "{\"error\":{\"code\":\"generalException\",\"message\":\"General exception while processing.\"}}"));

        sender.send(account, TestMessages.small(account.mailUser()));

        assertThat(sleeps).containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(2));
        assertThat(graph.requests()).hasSize(3);
    }

    @Test
    void a400ShowsGraphsErrorAndNamesTheAccount() {
        graph.then(Reply.json(400, "{\"error\":{\"code\":\"ErrorMimeContentInvalidBase64String\",\"message\":"
                + "\"Invalid base64 string for MIME content.\"}}"));

        assertThatThrownBy(() -> sender.send(account, TestMessages.small(account.mailUser())))
                .isInstanceOf(MailFailure.class).hasMessageContaining("account work")
                .hasMessageContaining("HTTP 400 ErrorMimeContentInvalidBase64String: Invalid base64 string for MIME content.")
                .hasMessageNotContaining("graph-access").hasMessageNotContaining("Bearer");
    }

    @Test
    void a401RefreshesOnceWithTheRotatedRefreshTokenAndRetries() {
        graph.accept("graph-access-2");

        sender.send(account, TestMessages.small(account.mailUser()));

        assertThat(tokenEndpoint.forms()).extracting(form -> form.get("refresh_token")).containsExactly("refresh-1", "refresh-2");
        assertThat(graph.requests()).extracting(r -> r.header("authorization"))
                .containsExactly("Bearer graph-access-1", "Bearer graph-access-2");
        assertThat(store.load(account.name()).orElseThrow().refreshToken()).isEqualTo("refresh-3");
        assertThat(store.load("work#graph").orElseThrow().accessToken()).isEqualTo("graph-access-2");
    }

    @Test
    void a401AfterTheRefreshIsAClearFailureNamingMailSendAndTheLogin() {
        graph.accept("a token nobody has");

        assertThatThrownBy(() -> sender.send(account, TestMessages.small(account.mailUser())))
                .isInstanceOf(MailFailure.class).hasMessageContaining("account work").hasMessageContaining("HTTP 401")
                .hasMessageNotContaining("graph-access")
                .satisfies(e -> assertThat(((MailFailure) e).hint()).hasValueSatisfying(hint -> assertThat(hint)
                        .contains("Mail.Send").contains("oauthmail login work")));
        assertThat(tokenEndpoint.forms()).hasSize(2);
        assertThat(graph.requests()).hasSize(2);
    }

    @Test
    void withoutConsentToMailSendTheRefreshFailureSaysWhatToGrant() {
        tokenReplies = form -> new LocalTokenServer.Reply(400, "{\"error\":\"invalid_grant\",\"error_description\":"
                + "\"AADSTS65001: The user or administrator has not consented to use the application.\"}");

        assertThatThrownBy(() -> sender.send(account, TestMessages.small(account.mailUser())))
                .isInstanceOf(ReauthorizationRequired.class).hasMessageContaining("AADSTS65001")
                .satisfies(e -> assertThat(((OAuthMailException) e).hint()).hasValueSatisfying(hint -> assertThat(hint)
                        .contains("Mail.Send").contains("oauthmail login work")));
        assertThat(graph.requests()).isEmpty();
        assertThat(store.load(account.name()).orElseThrow().refreshToken()).isEqualTo("refresh-1");
    }

    @Test
    void aLoggedOutAccountSendsNothingEvenWithACachedGraphToken() {
        sender.send(account, TestMessages.small(account.mailUser()));
        store.delete(account.name());

        assertThatThrownBy(() -> sender.send(account, TestMessages.small(account.mailUser())))
                .isInstanceOf(ReauthorizationRequired.class).hasMessageContaining("no stored tokens");
        assertThat(graph.requests()).hasSize(1);
    }

    @Test
    void aMessageOverTheFourMegabyteRequestLimitIsRefusedBeforeAnyRequest() throws Exception {
        MimeMessage message = TestMessages.withAttachment(account.mailUser(), 2_500_000); // ~3.4 MB MIME, ~4.5 MB base64

        assertThatThrownBy(() -> sender.send(account, message))
                .isInstanceOf(MailFailure.class).hasMessageContaining("account work")
                .hasMessageContaining("4.0 MB (4,194,304 bytes)").hasMessageContaining("nothing was sent");
        assertThat(graph.requests()).isEmpty();
        assertThat(tokenEndpoint.forms()).isEmpty();
    }
}
