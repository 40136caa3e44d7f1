package io.oauthmail.mail.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.MailFailure;
import io.oauthmail.error.TemporaryFailure;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Gmail API sender against a local server that checks the documented request format and answers like Gmail. */
class GmailApiSenderTest {

    private static final String SEND = "/gmail/v1/users/me/messages/send";
    private static final String UPLOAD = "/upload/gmail/v1/users/me/messages/send";
    private static final Reply UNAUTHORIZED = Reply.json(401, "{\"error\":{\"code\":401,\"message\":\"Request had invalid "
            + "authentication credentials.\",\"status\":\"UNAUTHENTICATED\"}}");
    private static final Reply SENT = Reply.json(200, "{\"id\":\"18c0ffee\",\"threadId\":\"18c0ffee\",\"labelIds\":[\"SENT\"]}");

    @TempDir
    Path dir;
    private FakeRestApi gmail;
    private LocalTokenServer tokenEndpoint;
    private Account account;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private GmailApiSender sender;

    @BeforeEach
    void start() {
        gmail = FakeRestApi.start(UNAUTHORIZED, SENT, "access-1");
        tokenEndpoint = LocalTokenServer.start(form -> LocalTokenServer.Reply.tokens("access-2"));
        Provider google = Providers.google();
        account = new Account("me@gmail.test", "me@gmail.test", google.withEndpoints(new OAuthEndpoints(
                google.endpoints().authorization(), tokenEndpoint.uri(), null, null, null)), "client", null, null, null);
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save(account.name(), new TokenSet("access-1", Instant.now().plus(Duration.ofHours(1)), "refresh-1",
                Instant.now().minus(Duration.ofDays(1)), List.of(), null));
        RetryPolicy retry = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10));
        TokenManager tokens = new TokenManager(store, Clock.systemUTC(), TokenManager.DEFAULT_MARGIN, Duration.ofSeconds(5),
                retry, sleeps::add);
        sender = new GmailApiSender(tokens, gmail.base(), Duration.ofSeconds(5), retry, sleeps::add);
    }

    @AfterEach
    void stop() {
        sender.close();
        gmail.close();
        tokenEndpoint.close();
    }

    @Test
    void aSmallMessageIsPostedAsBase64UrlJsonWithTheManagersToken() throws Exception {
        MimeMessage message = TestMessages.small(account.mailUser());
        byte[] mime = TestMessages.bytes(message);

        assertThat(sender.send(account, message)).isEqualTo("18c0ffee");

        assertThat(gmail.requests()).hasSize(1);
        Request request = gmail.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo(SEND);
        assertThat(request.query()).isNull();
        assertThat(request.header("authorization")).isEqualTo("Bearer access-1");
        assertThat(request.header("content-type")).isEqualTo("application/json");
        JsonNode json = new ObjectMapper().readTree(request.body());
        assertThat(json.size()).isEqualTo(1);
        String raw = json.path("raw").asText();
        assertThat(raw).matches("[A-Za-z0-9_-]+"); // base64url: no '+', '/', padding or line breaks
        assertThat(Base64.getUrlDecoder().decode(raw)).isEqualTo(mime);
        assertThat(tokenEndpoint.forms()).isEmpty();
    }

    @Test
    void aMessageOverFiveMegabytesGoesToTheMediaUploadAsRfc822Bytes() throws Exception {
        MimeMessage message = TestMessages.withAttachment(account.mailUser(), 4 * 1024 * 1024); // ~5.5 MB as MIME
        byte[] mime = TestMessages.bytes(message);
        assertThat(mime.length).isGreaterThan((int) GmailApiSender.INLINE_LIMIT);

        assertThat(sender.send(account, message)).isEqualTo("18c0ffee");

        Request request = gmail.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo(UPLOAD);
        assertThat(request.query()).isEqualTo("uploadType=media");
        assertThat(request.header("authorization")).isEqualTo("Bearer access-1");
        assertThat(request.header("content-type")).isEqualTo("message/rfc822");
        assertThat(request.body()).isEqualTo(mime);
    }

    @Test
    void a429IsRetriedAfterItsRetryAfter() {
        gmail.then(new Reply(429, "application/json", "{\"error\":{\"code\":429,\"message\":\"Too many concurrent "
                + "requests for user\",\"status\":\"RESOURCE_EXHAUSTED\"}}", "3"));

        assertThat(sender.send(account, TestMessages.small(account.mailUser()))).isEqualTo("18c0ffee");

        assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
        assertThat(gmail.requests()).hasSize(2);
    }

    @Test
    void serverErrorsAreRetriedWithBackoffThenReportedAsTemporary() {
        gmail.then(Reply.json(500, "{\"error\":{\"code\":500,\"message\":\"Backend Error\",\"status\":\"INTERNAL\"}}"),
                Reply.json(503, "{}"));
        assertThat(sender.send(account, TestMessages.small(account.mailUser()))).isEqualTo("18c0ffee");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));

        sleeps.clear();
        Reply backendError = Reply.json(500, "{\"error\":{\"code\":500,\"message\":\"Backend Error\",\"status\":\"INTERNAL\"}}");
        gmail.then(backendError, backendError, backendError);
        assertThatThrownBy(() -> sender.send(account, TestMessages.small(account.mailUser())))
                .isInstanceOf(TemporaryFailure.class)
                .hasMessageContaining("me@gmail.test").hasMessageContaining("HTTP 500 INTERNAL: Backend Error");
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void a400ShowsGmailsMessageAndNamesTheAccount() {
        gmail.then(Reply.json(400, "{\"error\":{\"code\":400,\"message\":\"Invalid To header\",\"errors\":[{\"message\":"
                + "\"Invalid To header\",\"domain\":\"global\",\"reason\":\"invalidArgument\"}],\"status\":\"INVALID_ARGUMENT\"}}"));

        assertThatThrownBy(() -> sender.send(account, TestMessages.small(account.mailUser())))
                .isInstanceOf(MailFailure.class)
                .hasMessageContaining("account me@gmail.test")
                .hasMessageContaining("HTTP 400 INVALID_ARGUMENT: Invalid To header")
                .hasMessageNotContaining("access-1").hasMessageNotContaining("Bearer");
        assertThat(gmail.requests()).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void a401RefreshesOnceAndRetriesWithTheNewToken() {
        gmail.accept("access-2");

        assertThat(sender.send(account, TestMessages.small(account.mailUser()))).isEqualTo("18c0ffee");

        assertThat(tokenEndpoint.forms()).hasSize(1);
        assertThat(tokenEndpoint.forms().get(0)).containsEntry("grant_type", "refresh_token")
                .containsEntry("refresh_token", "refresh-1");
        assertThat(gmail.requests()).extracting(r -> r.header("authorization"))
                .containsExactly("Bearer access-1", "Bearer access-2");
    }

    @Test
    void a401AfterTheRefreshIsAClearFailureNamingTheScopeAndTheLogin() {
        gmail.accept("a token nobody has");

        assertThatThrownBy(() -> sender.send(account, TestMessages.small(account.mailUser())))
                .isInstanceOf(MailFailure.class)
                .hasMessageContaining("account me@gmail.test").hasMessageContaining("HTTP 401")
                .hasMessageNotContaining("access-1").hasMessageNotContaining("access-2")
                .satisfies(e -> assertThat(((MailFailure) e).hint()).hasValueSatisfying(hint -> assertThat(hint)
                        .contains("gmail.send").contains("oauthmail login me@gmail.test")));
        assertThat(tokenEndpoint.forms()).hasSize(1);
        assertThat(gmail.requests()).hasSize(2);
    }

    @Test
    void a403ForMissingScopesNamesTheScopeWithoutRefreshing() {
        gmail.then(Reply.json(403, "{\"error\":{\"code\":403,\"message\":\"Request had insufficient authentication scopes.\","
                + "\"errors\":[{\"reason\":\"insufficientPermissions\"}],\"status\":\"PERMISSION_DENIED\"}}"));

        assertThatThrownBy(() -> sender.send(account, TestMessages.small(account.mailUser())))
                .isInstanceOf(MailFailure.class)
                .hasMessageContaining("PERMISSION_DENIED: Request had insufficient authentication scopes.")
                .satisfies(e -> assertThat(((MailFailure) e).hint()).hasValueSatisfying(hint -> assertThat(hint)
                        .contains("gmail.send").contains("oauthmail login me@gmail.test")));
        assertThat(tokenEndpoint.forms()).isEmpty();
    }

    @Test
    void aMessageOverThirtyFiveMegabytesIsRefusedBeforeAnyRequest() throws Exception {
        MimeMessage message = TestMessages.withAttachment(account.mailUser(), 27 * 1024 * 1024); // ~36.5 MB as MIME

        assertThatThrownBy(() -> sender.send(account, message))
                .isInstanceOf(MailFailure.class)
                .hasMessageContaining("me@gmail.test").hasMessageContaining("35.0 MB (36,700,160 bytes)")
                .hasMessageContaining("nothing was sent");
        assertThat(gmail.requests()).isEmpty();
        assertThat(tokenEndpoint.forms()).isEmpty();
    }
}
