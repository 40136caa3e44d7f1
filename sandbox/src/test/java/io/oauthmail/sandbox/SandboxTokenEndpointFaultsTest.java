package io.oauthmail.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import io.oauthmail.sandbox.SandboxClient.Tokens;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The token endpoint's faults, switched by the test while a client talks to it, and its wire log. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxTokenEndpointFaultsTest {

    private static final String ALICE = "alice@sandbox.test";

    private Sandbox sandbox;
    private SandboxClient client;
    private Tokens login;
    private int postsBefore;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
        client = new SandboxClient(sandbox);
    }

    @BeforeEach
    void logIn() throws Exception {
        login = client.login(ALICE);
        postsBefore = sandbox.tokenEndpointPosts();
    }

    @AfterEach
    void clearFaults() {
        sandbox.tokenEndpointFaults().clear();
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    @Test
    void aHungRequestIsNeverAnsweredNorProcessed() throws Exception {
        sandbox.tokenEndpointFaults().hang();

        assertThatThrownBy(() -> client.refresh(login.refreshToken(), Duration.ofMillis(500)))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(newPosts()).singleElement().satisfies(post -> {
            assertThat(post.grantType()).isEqualTo("refresh_token");
            assertThat(post.answered()).isFalse();
        });

        sandbox.tokenEndpointFaults().clear();
        assertThat(client.refresh(login.refreshToken()).status()).as("the hung request spent nothing").isEqualTo(200);
    }

    @Test
    void aDelayedAnswerComesLateAfterTheRequestWasProcessed() throws Exception {
        sandbox.tokenEndpointFaults().delay(Duration.ofMillis(800)).times(1);

        assertThatThrownBy(() -> client.refresh(login.refreshToken(), Duration.ofMillis(200)))
                .as("a client that gives up early").isInstanceOf(HttpTimeoutException.class);
        long started = System.nanoTime();
        Tokens reuse = client.refresh(login.refreshToken());

        assertThat(reuse.errorDescription()).as("the late request had rotated the token")
                .isEqualTo("Maximum allowed refresh token reuse exceeded");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("times(1): back to normal")
                .isLessThan(Duration.ofMillis(800));
        Tokens patient = client.refresh(client.login(ALICE).refreshToken());
        assertThat(patient.status()).isEqualTo(200);
    }

    @Test
    void aPatientClientGetsTheDelayedAnswer() throws Exception {
        sandbox.tokenEndpointFaults().delay(Duration.ofMillis(600));
        long started = System.nanoTime();

        Tokens refreshed = client.refresh(login.refreshToken());

        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        TokenEndpointPost post = newPosts().get(0);
        assertThat(post.status()).isEqualTo(200);
        assertThat(post.answeredAtNanos() - post.receivedAtNanos()).isGreaterThanOrEqualTo(600_000_000L);
    }

    @Test
    void aDroppedAnswerStillRotatedTheRefreshToken() throws Exception {
        sandbox.tokenEndpointFaults().dropAnswer().times(1);

        assertThatThrownBy(() -> client.refresh(login.refreshToken())).isInstanceOf(IOException.class);
        Tokens retry = client.refresh(login.refreshToken());

        assertThat(retry.status()).isEqualTo(400);
        assertThat(retry.errorDescription()).isEqualTo("Maximum allowed refresh token reuse exceeded");
        assertThat(client.imapsAccepts(ALICE, login.accessToken())).as("and the session is over").isFalse();
        List<TokenEndpointPost> posts = newPosts();
        assertThat(posts).hasSize(2);
        assertThat(posts.get(0).answered()).isFalse();
        assertThat(posts.get(0).status()).isZero();
        assertThat(posts.get(1).status()).isEqualTo(400);
        assertThat(posts.get(1).answeredAtNanos()).isGreaterThan(posts.get(1).receivedAtNanos());
    }

    @Test
    void theJdkHttpUrlConnectionSilentlyResendsADroppedPostAndTheLogShowsIt() throws Exception {
        sandbox.tokenEndpointFaults().dropAnswer().times(1);

        // Nimbus sends with HttpURLConnection, which re-sends a POST whose connection closed without an answer.
        HTTPResponse answer = new TokenRequest(sandbox.tokenEndpoint(), new ClientID(Sandbox.CLIENT_ID),
                new RefreshTokenGrant(new RefreshToken(login.refreshToken()))).toHTTPRequest().send();

        assertThat(sandbox.tokenEndpointPosts() - postsBefore).as("one call, two POSTs").isEqualTo(2);
        assertThat(answer.getStatusCode()).as("the re-sent POST was a reuse").isEqualTo(400);
        assertThat(answer.getContent()).contains("Maximum allowed refresh token reuse exceeded");
    }

    @Test
    void unavailableAnswersWithRetryAfterWithoutProcessingForTheNextNRequests() throws Exception {
        sandbox.tokenEndpointFaults().unavailable(503, Duration.ofSeconds(30)).times(2);

        for (int i = 0; i < 2; i++) {
            Tokens refused = client.refresh(login.refreshToken());
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.response().headers().firstValue("Retry-After")).hasValue("30");
        }
        assertThat(client.refresh(login.refreshToken()).status()).as("then normal, and the token unspent")
                .isEqualTo(200);
        assertThat(newPosts()).extracting(TokenEndpointPost::status).containsExactly(503, 503, 200);
        assertThat(sandbox.tokenRequests("refresh_token")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void closingTheSandboxReleasesAHungRequest() throws Exception {
        Sandbox other = Sandbox.start();
        SandboxClient otherClient = new SandboxClient(other);
        Tokens tokens = otherClient.login(ALICE);
        other.tokenEndpointFaults().hang();
        Thread closer = new Thread(() -> {
            while (other.tokenEndpointPosts() < 2) {
                Thread.onSpinWait();
            }
            other.close();
        });
        closer.start();

        assertThatThrownBy(() -> otherClient.refresh(tokens.refreshToken(), Duration.ofSeconds(20)))
                .isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
        closer.join();
    }

    private List<TokenEndpointPost> newPosts() {
        List<TokenEndpointPost> all = sandbox.tokenEndpointAnswers();
        return all.subList(postsBefore, all.size());
    }
}
