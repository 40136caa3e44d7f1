package io.oauthmail.cli.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.account.TokenSet;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The real servers of {@code ../shared/testbed} (see its README): Keycloak 26, Dovecot 2.3 and Postfix 3.7 on
 * loopback. Their addresses come from the {@code TB_*} variables its {@code env.sh} exports, else from that
 * file's defaults. With {@code @ExtendWith(TestBed.class)}, a test is skipped, with one line saying how to start
 * the test bed and what was missing, when Keycloak is not ready or a mail port is closed: the way the PostgreSQL
 * tests skip without {@code OAUTHMAIL_TEST_PG_URL}.
 *
 * <p>The extension also hands each test its own Keycloak user (a {@link User} parameter), from {@link #USERS}
 * alone: tests end their user's sessions and reuse rotated refresh tokens (which ends a session), so no two
 * tests may share one, nor a mailbox.
 */
public final class TestBed implements BeforeEachCallback, ParameterResolver {

    static final String HOST = env("TB_HOST", "127.0.0.1");
    static final String DOMAIN = env("TB_MAIL_DOMAIN", "example.test");
    static final String BASE = env("TB_OAUTH_BASE", "http://" + HOST + ":" + env("TB_OAUTH_PORT", "18080"));
    static final String ISSUER = env("TB_OAUTH_ISSUER", BASE + "/realms/" + env("TB_OAUTH_REALM", "mail"));
    static final String AUTH_ENDPOINT = ISSUER + "/protocol/openid-connect/auth";
    static final String TOKEN_ENDPOINT = ISSUER + "/protocol/openid-connect/token";
    static final URI READY = URI.create("http://" + HOST + ":" + env("TB_OAUTH_MGMT_PORT", "19000") + "/health/ready");
    static final int IMAPS = Integer.parseInt(env("TB_IMAPS_PORT", "1993"));
    static final int POP3S = Integer.parseInt(env("TB_POP3S_PORT", "1995"));
    static final int SUBMISSION = Integer.parseInt(env("TB_SUBMISSION_PORT", "1587"));
    /** Postfix's "Outlook-like" submission (STARTTLS): its EHLO offers only AUTH XOAUTH2. */
    static final int SUBMISSION_XOAUTH2_ONLY = Integer.parseInt(env("TB_SUBMISSION_XOAUTH2_ONLY_PORT", "1588"));
    static final Path CA_CERT = Path.of(env("TB_CA_CERT", env("TB_ROOT", "/tmp/testbed") + "/tls/ca.crt"));
    /** The scripts' folder: {@code TB_DIR}, else a {@code shared/testbed} beside the clone or one of its parents. */
    static final Path DIR = scriptsDir();
    static final Path BROWSER = DIR.resolve("clients/browser.py");

    /** Public clients, as the README's table has them. */
    static final String CLI = "mail-cli";             // PKCE S256 enforced, on the device request too; 300 s tokens
    static final String CLI_SHORT = "mail-cli-short"; // as mail-cli, 60 s tokens
    static final String CLI_LAX = "mail-cli-lax";     // PKCE optional
    /** Test-only confidential clients with the password grant, for tokens without a browser. */
    static final String TEST = "mail-test";             // 300 s tokens
    static final String TEST_SHORT = "mail-test-short"; // 5 s tokens
    static final String TEST_SECRET = env("TB_CLIENT_TEST_SECRET", "mail-test-secret");
    static final String SCOPES = "openid email offline_access";

    /**
     * Who each test logs in as: one Keycloak user per test, never two tests on one (checked below). The test bed
     * has seven OAuth users; a new test takes a free one, or another test's user is merged with it.
     */
    private static final Map<String, String> USERS = Map.of(
            "TestBedTokensTest.aLoggedInTokenIsServedFromTheCacheNotRefreshed", "alice",
            "TestBedTokensTest.refreshRotatesTheRefreshTokenAndTheNewOneSendsAndReads", "bob",
            "TestBedTokensTest.anEndedSessionAsksForANewLogin", "carol",
            "TestBedTokensTest.anUnreachableTokenEndpointServesTheCachedTokenAndFailsFastWithout", "dave",
            "TestBedLoginTest.deviceFlowWithPkceOnTheDeviceRequest", "erin",
            "TestBedLoginTest.deviceFlowWithoutPkce", "frank",
            "TestBedLoginTest.aLoginAsSomeoneElseIsRefusedAndNothingIsStored", "grace");

    /**
     * Tests that take a user another test has: allowed only for a test that neither ends that user's sessions, nor
     * reuses a refresh token, nor counts on what the mailbox holds. It logs in (a session of its own) and uses the
     * tokens it got, which no other test's steps can spoil, nor it theirs.
     */
    private static final Map<String, String> SHARING = Map.of(
            "TestBedSaslTest.aForcedMechanismIsUsedOrRefusedByName", "dave",
            "TestBedSaslTest.accountsAddAgainKeepsTheAddressLearnedAtLogin", "erin");

    static {
        if (new HashSet<>(USERS.values()).size() != USERS.size()) {
            throw new IllegalStateException("two tests share a test-bed user in TestBed.USERS: " + USERS);
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String whyNotUp;
    private static boolean checked;

    /** A Keycloak user of the test bed: password {@code NAME-secret}, mailbox and login {@code NAME@example.test}. */
    public record User(String name, String password, String email) {

        static User named(String name) {
            return new User(name, name + "-secret", name + "@" + DOMAIN);
        }
    }

    /** Skips the test, saying how to start the test bed, unless it is up. Checked once, reported per test. */
    @Override
    public void beforeEach(ExtensionContext context) {
        String why = whyNotUp();
        assumeTrue(why == null, () -> "test bed not up: run ../shared/testbed/up.sh (" + why + ")");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == User.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        String test = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
        String name = USERS.getOrDefault(test, SHARING.get(test));
        if (name == null) {
            throw new ParameterResolutionException("no test-bed user for " + test + ": give it one of its own in TestBed.USERS");
        }
        return User.named(name);
    }

    /** Null when Keycloak is ready and the mail ports answer, else what is missing. */
    static synchronized String whyNotUp() {
        if (!checked) {
            whyNotUp = check();
            checked = true;
        }
        return whyNotUp;
    }

    private static String check() {
        if (!Files.isRegularFile(BROWSER)) {
            return "no " + BROWSER + "; set TB_DIR to the test bed's folder";
        }
        if (Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .noneMatch(dir -> Files.isExecutable(Path.of(dir, "python3")))) {
            return "no python3 for " + BROWSER.getFileName();
        }
        if (!Files.isReadable(CA_CERT)) {
            return "no test CA at " + CA_CERT;
        }
        try {
            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(READY).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (ready.statusCode() != 200 || !ready.body().contains("UP")) {
                return "Keycloak not ready: " + READY + " answered " + ready.statusCode();
            }
        } catch (IOException e) {
            return "Keycloak not ready: " + READY + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        for (int port : new int[] {IMAPS, POP3S, SUBMISSION}) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 2000);
            } catch (IOException e) {
                return "nothing listens on " + HOST + ":" + port + " (Dovecot IMAPS " + IMAPS + ", POP3S " + POP3S
                        + ", Postfix submission " + SUBMISSION + "): " + e.getMessage();
            }
        }
        return null;
    }

    /** Tokens from the test-only password grant of a confidential client ({@link #TEST}, {@link #TEST_SHORT}). */
    static TokenSet passwordGrant(String client, User user) {
        Answer answer = tokenEndpoint(client, TEST_SECRET, Map.of("grant_type", "password", "username", user.name(),
                "password", user.password(), "scope", SCOPES));
        assertThat(answer.status()).as("password grant for %s at %s: %s", user.name(), client, answer.error()).isEqualTo(200);
        JsonNode body = answer.body();
        Instant now = Instant.now();
        return new TokenSet(body.path("access_token").asText(), now.plusSeconds(body.path("expires_in").asLong()),
                body.path("refresh_token").asText(null), now, Arrays.asList(body.path("scope").asText("").split(" ")),
                body.path("id_token").asText(null), now);
    }

    /** Uses a refresh token once at Keycloak, as a public client: alive or dead is only known this way here. */
    static Answer refreshAt(String publicClient, String refreshToken) {
        return tokenEndpoint(publicClient, null, Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    /** Keycloak's answer: the status, the JSON body, and its {@code error: error_description} if any. */
    record Answer(int status, JsonNode body) {

        String error() {
            return body.has("error") ? body.path("error").asText() + ": " + body.path("error_description").asText() : "";
        }
    }

    /**
     * Ends every session of {@code user} at Keycloak through the admin REST API, as an administrator would. Keycloak
     * 26 does not delete offline sessions here: it sets the user's not-before time, in whole seconds, and refuses
     * tokens issued before it ("Stale token"). A token issued in the same second as the logout survives it, and its
     * session lives on, so this waits a second after the last token was issued.
     */
    static void endSessions(User user) throws InterruptedException {
        Thread.sleep(1100); // Keycloak's not-before is in whole seconds of its own clock: see above
        Map<String, String> login = Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", env("TB_OAUTH_ADMIN_USER", "admin"), "password", env("TB_OAUTH_ADMIN_PASSWORD", "admin"));
        HttpResponse<String> admin = send(HttpRequest.newBuilder(URI.create(BASE + "/realms/master/protocol/openid-connect/token"))
                .POST(form(login)).header("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(admin.statusCode()).as("admin token").isEqualTo(200);
        String bearer = "Bearer " + json(admin.body()).path("access_token").asText();
        String users = BASE + "/admin/realms/" + env("TB_OAUTH_REALM", "mail") + "/users";
        HttpResponse<String> found = send(HttpRequest.newBuilder(URI.create(users + "?exact=true&username=" + user.name()))
                .header("Authorization", bearer));
        JsonNode match = json(found.body()).path(0);
        assertThat(match.has("id")).as("Keycloak user %s: %s", user.name(), found.statusCode()).isTrue();
        HttpResponse<String> logout = send(HttpRequest.newBuilder(URI.create(users + "/" + match.path("id").asText() + "/logout"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", bearer));
        assertThat(logout.statusCode()).as("logout of %s: %s", user.name(), logout.body()).isEqualTo(204);
    }

    /** A short, one-way name for a token, for assertions: a failing comparison must not print the token. */
    static String fingerprint(String token) {
        if (token == null) {
            return "none";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Answer tokenEndpoint(String client, String secret, Map<String, String> parameters) {
        Map<String, String> all = new LinkedHashMap<>(parameters);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TOKEN_ENDPOINT))
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (secret == null) {
            all.put("client_id", client);
        } else {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> response = send(request.POST(form(all)));
        return new Answer(response.statusCode(), json(response.body()));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest.BodyPublisher form(Map<String, String> parameters) {
        return HttpRequest.BodyPublishers.ofString(parameters.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(),
                        StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.isEmpty() ? "{}" : text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static Path scriptsDir() {
        String dir = System.getenv("TB_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path candidate = at.resolve("shared/testbed");
            if (Files.isRegularFile(candidate.resolve("up.sh"))) {
                return candidate;
            }
        }
        return Path.of("/work/shared/testbed");
    }
}
