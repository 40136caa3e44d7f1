package io.oauthmail.token;

import io.oauthmail.account.TokenSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.oauthmail.account.Account;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.provider.Providers;
import io.oauthmail.store.EncryptedFileStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A token endpoint that misbehaves in every way the issue lists, over real HTTP. */
class TokenEndpointFaultsTest {

    /** One scripted answer of the fake endpoint. */
    private record Answer(int status, String contentType, String body, String retryAfter, long delayMillis) {
        static Answer json(int status, String body) {
            return new Answer(status, "application/json", body, null, 0);
        }
    }

    /** A scripted "status" that closes the connection after reading the request, with no answer at all. */
    private static final int DROP = -1;

    private static final String GOOD = "{\"access_token\":\"new-access\",\"token_type\":\"Bearer\",\"expires_in\":3599,"
            + "\"refresh_token\":\"rotated-refresh\"}";

    @TempDir
    Path dir;
    private HttpServer server;
    private final Deque<Answer> script = new ConcurrentLinkedDeque<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<Duration> waits = new ArrayList<>();
    private EncryptedFileStore store;
    private Account account;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/token", this::answer);
        server.start();
        URI token = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
        Provider google = Providers.google();
        account = new Account("me@example.com", "me@example.com", google.withEndpoints(new OAuthEndpoints(
                google.endpoints().authorization(), token, null, null, null)), "client", null, null, null);
        store = EncryptedFileStore.openWithKeyFile(dir);
        store.save(account.name(), new TokenSet("old-access", Instant.now().minusSeconds(5), "old-refresh",
                Instant.now().minus(Duration.ofDays(1)), List.of(), null));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Answer a = script.isEmpty() ? Answer.json(200, GOOD) : script.poll();
        try { // a slow provider: the manager's HTTP wait runs on real time, so this one must too
            Thread.sleep(a.delayMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (a.status() == DROP) {
            // processed, then the connection closes with no answer: the JDK's server closes it on this exception
            throw new IOException("answer dropped on purpose");
        }
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", a.contentType());
        if (a.retryAfter() != null) {
            exchange.getResponseHeaders().set("Retry-After", a.retryAfter());
        }
        if (a.status() == 401) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"token\"");
        }
        try {
            exchange.sendResponseHeaders(a.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException clientGone) {
            // the client timed out first: that is the point of the hang test
        }
    }

    private TokenManager manager(RetryPolicy retry, Duration httpTimeout) {
        return new TokenManager(store, Clock.systemUTC(), TokenManager.DEFAULT_MARGIN, httpTimeout, retry, waits::add);
    }

    /** What the manager told its owner, as the CLI would print it. */
    private final List<String> told = new CopyOnWriteArrayList<>();

    private TokenManager listened(RetryPolicy retry, Duration timeout) {
        return manager(retry, timeout).withEvents(new RefreshEvents() {
            @Override
            public void servedDespiteFailure(Account a, TokenSet tokens, TemporaryFailure failure) {
                told.add("served " + failure.getMessage());
            }

            @Override
            public void resendingAfterLostAnswer(Account a, TemporaryFailure failure) {
                told.add("resending " + failure.getMessage());
            }
        });
    }

    @Test
    void aLostAnswerIsSentOnceByTheHttpClientAndOnceMoreOnPurpose() {
        script.add(new Answer(DROP, "application/json", "", null, 0));
        String token = listened(RetryPolicy.DEFAULT, Duration.ofSeconds(5)).accessToken(account);
        assertThat(token).isEqualTo("new-access");
        assertThat(bodies).as("one POST per attempt, two attempts").hasSize(2);
        assertThat(told).singleElement().asString().startsWith("resending ").contains("its answer never came");
        assertThat(store.load(account.name()).orElseThrow().refreshToken()).isEqualTo("rotated-refresh");
    }

    @Test
    void aSecondLostAnswerEndsTheAttemptsWithoutPresentingTheTokenAgain() {
        script.add(new Answer(DROP, "application/json", "", null, 0));
        script.add(new Answer(DROP, "application/json", "", null, 0));
        assertThatThrownBy(() -> manager(RetryPolicy.DEFAULT, Duration.ofSeconds(5)).refresh(account))
                .isInstanceOf(TemporaryFailure.class)
                .satisfies(e -> assertThat(((TemporaryFailure) e).requestMayHaveArrived()).isTrue());
        assertThat(bodies).hasSize(2);
    }

    @Test
    void aRefusalRightAfterALostAnswerNamesTheLostAnswerNotARevocation() {
        script.add(new Answer(DROP, "application/json", "", null, 0));
        script.add(Answer.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Maximum allowed refresh token reuse exceeded\"}"));
        assertThatThrownBy(() -> manager(RetryPolicy.DEFAULT, Duration.ofSeconds(5)).refresh(account))
                .isInstanceOf(ReauthorizationRequired.class)
                .hasMessageContaining("reuse exceeded").hasMessageContaining("lost in transit")
                .hasMessageNotContaining("password change");
    }

    @Test
    void aRefreshRefusedWith401IsARefusedClientNotAnOutage() {
        script.add(Answer.json(401, "{\"error\":\"invalid_client\",\"error_description\":\"Invalid client secret\"}"));
        assertThatThrownBy(() -> manager(RetryPolicy.DEFAULT, Duration.ofSeconds(5)).refresh(account))
                .isInstanceOf(ReauthorizationRequired.class).hasMessageContaining("invalid_client");
        assertThat(bodies).as("sent once, not re-sent to authenticate").hasSize(1);
    }

    @Test
    void aStillValidTokenIsServedDuringAnOutageAndOnlyAnExpiredOneFails() {
        // obtained 3,545 s ago, valid 55 s more: due for refresh (margin 5 min) but still usable
        Instant now = Instant.now();
        store.save(account.name(), new TokenSet("still-valid", now.plusSeconds(55), "old-refresh", now.minus(Duration.ofDays(1)),
                List.of(), null, now.minusSeconds(3545)));
        script.add(new Answer(503, "text/html", "<h1>down</h1>", null, 0));
        assertThat(listened(RetryPolicy.NONE, Duration.ofSeconds(5)).accessToken(account)).isEqualTo("still-valid");
        assertThat(told).singleElement().asString().startsWith("served ").contains("HTTP 503");

        store.save(account.name(), store.load(account.name()).orElseThrow().withExpiresAt(now.minusSeconds(1)));
        script.add(new Answer(503, "text/html", "<h1>down</h1>", null, 0));
        assertThatThrownBy(() -> listened(RetryPolicy.NONE, Duration.ofSeconds(5)).accessToken(account))
                .isInstanceOf(TemporaryFailure.class).hasMessageContaining("HTTP 503");
    }

    @Test
    void theCallerWaitIsBoundedWhileTheRefreshGoesOnAndIsSaved() throws Exception {
        script.add(new Answer(200, "application/json", GOOD, null, 1_500));
        long start = System.nanoTime();
        assertThatThrownBy(() -> manager(RetryPolicy.NONE, Duration.ofMillis(400)).refresh(account))
                .isInstanceOf(TemporaryFailure.class).hasMessageContaining("no new token within 400 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_200));
        await("the answer was not abandoned: its rotated refresh token saved").atMost(Duration.ofSeconds(5))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(25)).untilAsserted(() -> assertThat(
                        store.load(account.name()).orElseThrow().refreshToken()).isEqualTo("rotated-refresh"));
        assertThat(bodies).hasSize(1);
    }

    @Test
    void temporaryFailuresAreRetriedWithBackoffAndTheRotatedTokenIsSaved() {
        script.add(Answer.json(500, "{}"));
        script.add(new Answer(429, "application/json", "{}", "2", 0));
        String token = manager(new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10)), Duration.ofSeconds(5))
                .accessToken(account);
        assertThat(token).isEqualTo("new-access");
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2)); // backoff, then Retry-After
        assertThat(bodies).hasSize(3).allMatch(b -> b.contains("refresh_token=old-refresh"));
        assertThat(store.load(account.name()).orElseThrow().refreshToken()).isEqualTo("rotated-refresh");
    }

    @Test
    void anHtmlPageMalformedJsonAnd500AreTemporaryAndKeepTheRefreshToken() {
        for (Answer bad : List.of(new Answer(200, "text/html", "<html><body>Sign in</body></html>", null, 0),
                Answer.json(200, "{\"access_token\": "), Answer.json(500, "oops"))) {
            script.clear();
            script.add(bad);
            assertThatThrownBy(() -> manager(RetryPolicy.NONE, Duration.ofSeconds(5)).accessToken(account))
                    .isInstanceOf(TemporaryFailure.class).hasMessageContaining("me@example.com")
                    .hasMessageNotContaining("old-refresh");
            assertThat(store.load(account.name()).orElseThrow().refreshToken()).isEqualTo("old-refresh");
        }
    }

    @Test
    void aLongRetryAfterEndsTheRetriesAndSaysHowLong() {
        script.add(new Answer(429, "application/json", "{}", "120", 0));
        assertThatThrownBy(() -> manager(RetryPolicy.DEFAULT, Duration.ofSeconds(5)).accessToken(account))
                .isInstanceOf(TemporaryFailure.class).hasMessageContaining("retry after 120 s")
                .satisfies(e -> assertThat(((TemporaryFailure) e).retryAfter()).hasValue(Duration.ofSeconds(120)));
        assertThat(waits).isEmpty();
        assertThat(bodies).hasSize(1);
    }

    @Test
    void aHangingEndpointTimesOut() {
        script.add(new Answer(200, "application/json", GOOD, null, 3_000));
        long start = System.nanoTime();
        assertThatThrownBy(() -> manager(RetryPolicy.NONE, Duration.ofMillis(300)).accessToken(account))
                .isInstanceOf(TemporaryFailure.class).hasMessageContaining("no new token within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void invalidGrantIsPermanentNotRetriedAndExplained() {
        script.add(Answer.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}"));
        assertThatThrownBy(() -> manager(RetryPolicy.DEFAULT, Duration.ofSeconds(5)).accessToken(account))
                .isInstanceOf(ReauthorizationRequired.class)
                .hasMessageContaining("invalid_grant").hasMessageContaining("revoked or expired")
                .satisfies(e -> assertThat(((ReauthorizationRequired) e).hint()).hasValue("run: oauthmail login me@example.com"));
        assertThat(bodies).hasSize(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void invalidScopeIsNotRetried() {
        script.add(Answer.json(400, "{\"error\":\"invalid_scope\",\"error_description\":\"AADSTS70011: bad scope\"}"));
        assertThatThrownBy(() -> manager(RetryPolicy.DEFAULT, Duration.ofSeconds(5)).accessToken(account))
                .isInstanceOf(ReauthorizationRequired.class).hasMessageContaining("invalid_scope");
        assertThat(bodies).hasSize(1);
    }

    @Test
    void aGoogleRefreshTokenDyingAtSevenDaysPointsAtTheTestingStatus() {
        store.save(account.name(), new TokenSet("old-access", Instant.now().minusSeconds(5), "old-refresh",
                Instant.now().minus(Duration.ofDays(7).plusMinutes(3)), List.of(), null));
        script.add(Answer.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}"));
        assertThatThrownBy(() -> manager(RetryPolicy.DEFAULT, Duration.ofSeconds(5)).accessToken(account))
                .isInstanceOf(ReauthorizationRequired.class)
                .hasMessageContaining("\"Testing\"").hasMessageContaining("Publish app");
    }

    @Test
    void microsoftsNinetyDayInactivityIsNamed() {
        Provider microsoft = Providers.microsoft("common");
        Account work = new Account("work", "me@corp.example", microsoft.withEndpoints(new OAuthEndpoints(
                microsoft.endpoints().authorization(), account.provider().endpoints().token(), null, null, null)),
                "client", null, null, null);
        store.save(work.name(), new TokenSet("a", Instant.now().minusSeconds(5), "r", Instant.now().minus(Duration.ofDays(91)),
                List.of(), null));
        script.add(Answer.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS700082: The refresh token has "
                + "expired due to inactivity. The token was issued on 2026-08-01 and was inactive for 90.00:00:00.\"}"));
        assertThatThrownBy(() -> manager(RetryPolicy.DEFAULT, Duration.ofSeconds(5)).accessToken(work))
                .isInstanceOf(ReauthorizationRequired.class).hasMessageContaining("not used for 90 days");
        assertThat(bodies.get(0)).as("Microsoft wants the scope on refresh").contains("scope=");
    }
}
