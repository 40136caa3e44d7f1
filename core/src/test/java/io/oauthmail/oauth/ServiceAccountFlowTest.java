package io.oauthmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.testing.LocalTokenServer;
import io.oauthmail.testing.Mailboxes;
import io.oauthmail.testing.SandboxAccounts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Domain-wide delegation with a service account: against the lenient sandbox, and a strict local checker. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceAccountFlowTest {

    private static final String SERVICE_ACCOUNT = "mailer@oauthmail-test.iam.gserviceaccount.com";
    private static final String ALICE = "alice@sandbox.test";

    /** Made for this run only: no private key is ever committed. */
    private final KeyPair keys = rsaKeyPair();
    private Sandbox sandbox;
    private Account alice;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
        Account configured = SandboxAccounts.account(sandbox, ALICE);
        alice = new Account(ALICE, ALICE, configured.provider(), "112233445566778899", null,
                List.of(Sandbox.MAIL_SCOPE), configured.caFile());
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key file shaped like the one the Cloud console downloads. */
    private Path keyFile(Path dir, URI tokenUri) throws IOException {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path file = dir.resolve("service-account.json");
        new ObjectMapper().writeValue(file.toFile(), Map.of("type", "service_account", "project_id", "oauthmail-test",
                "private_key_id", "key-1", "private_key", pem, "client_email", SERVICE_ACCOUNT,
                "client_id", "112233445566778899", "token_uri", tokenUri.toString()));
        return file;
    }

    @Test
    void actsForTheUserAndOpensTheirMailbox(@TempDir Path dir) throws IOException {
        int before = sandbox.tokenRequests("urn:ietf:params:oauth:grant-type:jwt-bearer");

        TokenSet tokens = new ServiceAccountFlow(alice, keyFile(dir, sandbox.tokenEndpoint()), Clock.systemUTC(),
                Duration.ofSeconds(10)).obtain();

        assertThat(tokens.refresh()).isEmpty();
        assertThat(sandbox.tokenRequests("urn:ietf:params:oauth:grant-type:jwt-bearer") - before).isEqualTo(1);
        assertThat(Mailboxes.inbox(alice, tokens, dir.resolve("store"))).isNotNull();
    }

    @Test
    void theAssertionIsExactlyWhatGoogleChecks(@TempDir Path dir) throws Exception {
        Instant now = Instant.parse("2030-05-06T07:08:09.750Z");
        List<String> problems = new ArrayList<>();
        AtomicReference<URI> audience = new AtomicReference<>();
        try (LocalTokenServer google = LocalTokenServer.start(form -> {
            problems.addAll(check(form, now, audience.get()));
            return problems.isEmpty() ? LocalTokenServer.Reply.tokens("delegated-token")
                    : LocalTokenServer.Reply.error(400, "invalid_grant");
        })) {
            audience.set(google.uri());
            TokenSet tokens = new ServiceAccountFlow(alice, keyFile(dir, google.uri()), Clock.fixed(now, ZoneOffset.UTC),
                    Duration.ofSeconds(10)).obtain();
            assertThat(problems).isEmpty();
            assertThat(tokens.accessToken()).isEqualTo("delegated-token");
            assertThat(google.forms()).hasSize(1);
        }
    }

    /** Everything wrong with a posted form, checked as strictly as Google's token endpoint would. */
    private List<String> check(Map<String, String> form, Instant now, URI audience) {
        List<String> problems = new ArrayList<>();
        expect(problems, "grant_type", form.get("grant_type"), "urn:ietf:params:oauth:grant-type:jwt-bearer");
        for (String unwanted : List.of("client_id", "client_secret", "client_assertion")) {
            if (form.containsKey(unwanted)) {
                problems.add("unexpected " + unwanted);
            }
        }
        try {
            SignedJWT jwt = SignedJWT.parse(form.get("assertion"));
            if (!jwt.verify(new RSASSAVerifier((RSAPublicKey) keys.getPublic()))) {
                problems.add("bad signature");
            }
            expect(problems, "alg", jwt.getHeader().getAlgorithm(), JWSAlgorithm.RS256);
            expect(problems, "kid", jwt.getHeader().getKeyID(), "key-1");
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            expect(problems, "iss", claims.getIssuer(), SERVICE_ACCOUNT);
            expect(problems, "sub", claims.getSubject(), ALICE);
            expect(problems, "scope", claims.getClaim("scope"), Sandbox.MAIL_SCOPE);
            expect(problems, "aud", claims.getAudience(), List.of(audience.toString()));
            expect(problems, "iat", claims.getIssueTime().toInstant(), now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            long lifetime = Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()).toSeconds();
            if (lifetime <= 0 || lifetime > 3600) {
                problems.add("exp - iat = " + lifetime + " s, not within (0, 3600]");
            }
        } catch (Exception e) {
            problems.add("unreadable assertion: " + e);
        }
        return problems;
    }

    private static void expect(List<String> problems, String what, Object actual, Object expected) {
        if (!expected.equals(actual)) {
            problems.add(what + " was " + actual + ", expected " + expected);
        }
    }

    @Test
    void delegationRefusedSaysWhatTheAdminMustDoAndKeepsTheAssertionSecret(@TempDir Path dir) throws IOException {
        try (LocalTokenServer google = LocalTokenServer.start(form -> LocalTokenServer.Reply.error(401, "unauthorized_client"));
                LocalTokenServer down = LocalTokenServer.start(form -> LocalTokenServer.Reply.error(502, "bad_gateway"))) {
            ServiceAccountFlow refused = new ServiceAccountFlow(alice, keyFile(dir, google.uri()), Clock.systemUTC(),
                    Duration.ofSeconds(10));
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(refused::obtain);
            String assertion = google.forms().get(0).get("assertion");
            assertThat(thrown).isInstanceOf(ReauthorizationRequired.class).hasMessageContaining("unauthorized_client")
                    .hasMessageNotContaining(assertion);
            assertThat(((ReauthorizationRequired) thrown).hint()).hasValueSatisfying(hint -> assertThat(hint)
                    .contains("Domain-wide delegation").contains(SERVICE_ACCOUNT).doesNotContain(assertion));
            assertThatThrownBy(new ServiceAccountFlow(alice, keyFile(dir, down.uri()), Clock.systemUTC(),
                    Duration.ofSeconds(10))::obtain).isInstanceOf(TemporaryFailure.class);
        }
    }

    @Test
    void badKeyFilesAreNamedAndNeverQuoted(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.json");
        Path notJson = Files.writeString(dir.resolve("not-json.json"), "-----BEGIN PRIVATE KEY-----\nSECRETBYTES\n");
        Path noKey = Files.writeString(dir.resolve("no-key.json"), "{\"client_email\":\"" + SERVICE_ACCOUNT + "\"}");
        Path badPem = Files.writeString(dir.resolve("bad-pem.json"), "{\"client_email\":\"" + SERVICE_ACCOUNT
                + "\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nSECRETBYTES\\n-----END PRIVATE KEY-----\\n\"}");
        for (Path file : List.of(missing, notJson, noKey, badPem)) {
            assertThatThrownBy(new ServiceAccountFlow(alice, file, Clock.systemUTC(), Duration.ofSeconds(10))::obtain)
                    .isExactlyInstanceOf(OAuthMailException.class).hasMessageContaining(file.toString())
                    .hasMessageNotContaining("SECRETBYTES")
                    .satisfies(e -> assertThat(((OAuthMailException) e).hint()).isPresent());
        }
        assertThatThrownBy(new ServiceAccountFlow(alice, noKey, Clock.systemUTC(), Duration.ofSeconds(10))::obtain)
                .hasMessageContaining("private_key");
    }
}
