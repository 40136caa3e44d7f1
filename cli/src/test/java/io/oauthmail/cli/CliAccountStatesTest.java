package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.Config;
import io.oauthmail.config.ConfigReader;
import io.oauthmail.config.OAuthMailPaths;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.server.Daemon;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.TokenStore;
import io.oauthmail.token.TokenManager;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oauthmail accounts} and {@code oauthmail status} speak one vocabulary: the same word for the same state,
 * an expired access token said as such (not "in -4 min"), and a lost grant shown as lost, whether a command or the
 * daemon learned of it, though the store still holds the dead refresh token.
 */
class CliAccountStatesTest {

    private static final String ALICE = "alice@sandbox.test";
    private static final String BOB = "bob@sandbox.test";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Sandbox sandbox;
    @TempDir
    static Path home;
    private static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
        env = SandboxHome.create(sandbox, home, ALICE, BOB);
        Run added = run("accounts", "add", "carol", "--provider", "generic", "--issuer", sandbox.issuer().toString(),
                "--client-id", Sandbox.CLIENT_ID, "--scopes", "openid email " + Sandbox.MAIL_SCOPE);
        assertThat(added.exit()).as(added.err()).isZero();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = OAuthMailCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), InputStream.nullInputStream(), env);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Each account's word, from JSON lines (accounts --json and status --json print the same shape). */
    private static Map<String, String> words(String jsonLines) throws Exception {
        Map<String, String> words = new TreeMap<>();
        for (String line : jsonLines.strip().split("\n")) {
            JsonNode node = JSON.readTree(line);
            words.put(node.path("account").asText(), node.path("status").asText());
        }
        return words;
    }

    @Test
    void accountsAndStatusSayTheSameWordForTheSameStateAndALostGrantShowsAsLost() throws Exception {
        TokenStore store = EncryptedFileStore.openWithKeyFile(home.resolve("tokens"));
        // bob: the access token ran out 4 minutes ago; the refresh token will renew it.
        store.save(BOB, store.load(BOB).orElseThrow().withExpiresAt(Instant.now().minus(Duration.ofMinutes(4))));
        // alice: a refresh rotates her refresh token; the old one put back is one the provider has retired.
        TokenSet retired = store.load(ALICE).orElseThrow();
        assertThat(run("refresh", ALICE).exit()).isZero();
        store.save(ALICE, retired);
        assertThat(run("accounts", "--json").out()).as("the store alone cannot tell").contains("\"status\":\"ok\"");
        Run refused = run("refresh", ALICE);
        assertThat(refused.exit()).as(refused.err()).isEqualTo(ExitCodes.REAUTHORIZE);

        Run json = run("accounts", "--json");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(words(json.out())).containsExactly(Map.entry(ALICE, "needs-login"), Map.entry(BOB, "expired"),
                Map.entry("carol", "not-logged-in"));
        assertThat(json.out()).doesNotContain(retired.accessToken()).doesNotContain(retired.refreshToken()).doesNotContain("eyJ");
        Run table = run("accounts");
        assertThat(table.out()).contains("expired 4 min ago, refreshed on next use").doesNotContain("in -");
        assertThat(table.err()).contains(ALICE + ": needs-login: the provider refused the refresh token")
                .contains("run oauthmail login " + ALICE).contains("carol: not-logged-in: run oauthmail login carol");

        // The daemon says the same words: alice's loss it knows from the command's note (her token is not due yet).
        try (Daemon daemon = startDaemon()) {
            Map<String, String> daemonWords = awaitStatus(w -> "ok".equals(w.get(BOB)));
            assertThat(daemonWords).containsExactly(Map.entry(ALICE, "needs-login"), Map.entry(BOB, "ok"),
                    Map.entry("carol", "not-logged-in"));
            assertThat(words(run("accounts", "--json").out())).as("bob was refreshed by the daemon").isEqualTo(daemonWords);
        }

        // A loss the daemon learns itself (alice's token due, the command's note gone) is noted for accounts too.
        java.nio.file.Files.delete(home.resolve("state/lost-grants/alice%40sandbox.test.json"));
        store.save(ALICE, retired.withExpiresAt(Instant.now().minus(Duration.ofMinutes(1))));
        assertThat(words(run("accounts", "--json").out())).containsEntry(ALICE, "expired");
        try (Daemon daemon = startDaemon()) {
            assertThat(awaitStatus(w -> "needs-login".equals(w.get(ALICE)))).containsEntry(ALICE, "needs-login");
        }
        assertThat(words(run("accounts", "--json").out())).containsExactly(Map.entry(ALICE, "needs-login"),
                Map.entry(BOB, "ok"), Map.entry("carol", "not-logged-in"));
    }

    /** The daemon's words once {@code done}: its first refresh pass runs in the background. */
    private static Map<String, String> awaitStatus(java.util.function.Predicate<Map<String, String>> done) {
        return Awaits.polling("the daemon's status after its refresh pass", Duration.ofSeconds(10)).until(() -> {
            Run status = run("status", "--json");
            assertThat(status.exit()).as(status.err()).isZero();
            return words(status.out());
        }, done);
    }

    private static Daemon startDaemon() throws Exception {
        OAuthMailPaths paths = OAuthMailPaths.fromEnvironment(env, null);
        Config config = ConfigReader.read(paths);
        List<Account> accounts = new ArrayList<>();
        config.accounts().values().forEach(settings -> accounts.add(AccountResolver.withSecret(settings)));
        TokenManager tokens = new TokenManager(EncryptedFileStore.openWithKeyFile(home.resolve("tokens")), Clock.systemUTC());
        return Daemon.start(accounts, tokens, Map.of(), Daemon.socketIn(paths.stateDir()));
    }
}
