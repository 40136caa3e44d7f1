package io.oauthmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.provider.Quirk;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import io.oauthmail.token.TokenState;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class RefresherTest {

    private static Sandbox sandbox;

    @TempDir
    Path dir;

    /** Records the events, as the notifier would act on them. */
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final Events recorder = new Events() {
        @Override
        public void tokenRefreshed(Account account, Instant expiresAt) {
            events.add("refreshed " + account.name());
        }

        @Override
        public void error(Account account, String message, Instant retryAt) {
            events.add("error " + account.name() + " retry in " + Duration.between(Instant.now(), retryAt).toSeconds() + " s");
        }

        @Override
        public void reauthorizationNeeded(Account account, String message, String fixCommand) {
            events.add("reauth " + account.name() + " " + fixCommand);
        }

        @Override
        public void warning(Account account, String message) {
            events.add("warning " + account.name());
        }
    };

    @BeforeAll
    static void start() {
        sandbox = Sandbox.builder().accessTokenLifetime(Duration.ofSeconds(6)).start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static void await(BooleanSupplier condition, String what) {
        Awaitility.await(what).atMost(Duration.ofSeconds(15)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }

    @Test
    void keepsTokensFreshReportsLostGrantsAndRetriesTemporaryFailures() throws Exception {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        Account alice = SandboxAccounts.account(sandbox, "alice@sandbox.test");
        store.save(alice.name(), SandboxLogins.login(sandbox, alice).tokens());
        Account bob = SandboxAccounts.account(sandbox, "bob@sandbox.test"); // never logged in
        Account carol = new Account("carol", "carol@sandbox.test", alice.provider().withEndpoints(new OAuthEndpoints(
                alice.provider().endpoints().authorization(), URI.create("http://127.0.0.1:1/token"), null, null, null)),
                Sandbox.CLIENT_ID, null, null, sandbox.caFile());
        store.save(carol.name(), new TokenSet("old", Instant.now().minusSeconds(1), "refresh", Instant.now(), List.of(), null));

        // tokens live 6 s at the sandbox; a 3 s margin makes the refresher renew about every 3 s
        TokenManager tokens = new TokenManager(store, Clock.systemUTC(), Duration.ofSeconds(3), Duration.ofSeconds(5),
                RetryPolicy.NONE, Sleeper.SYSTEM);
        try (Refresher refresher = new Refresher(tokens, Clock.systemUTC(), recorder)) {
            int before = sandbox.tokenRequests("refresh_token");
            refresher.start(List.of(alice, bob, carol));
            await(() -> sandbox.tokenRequests("refresh_token") - before >= 2, "two background refreshes of alice");
            await(() -> events.contains("reauth bob@sandbox.test oauthmail login bob@sandbox.test"), "bob needs a login");
            await(() -> events.stream().anyMatch(e -> e.startsWith("error carol retry in ")), "carol retries later");

            assertThat(events).contains("refreshed alice@sandbox.test");
            assertThat(events.stream().filter(e -> e.startsWith("reauth bob")).count()).as("reported once").isEqualTo(1);
            assertThat(events.stream().filter(e -> e.startsWith("error carol")).findFirst().orElseThrow())
                    .matches("error carol retry in (29|30) s");
            List<AccountState> states = refresher.states();
            assertThat(states).extracting(AccountState::account, AccountState::state).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("alice@sandbox.test", TokenState.OK),
                    org.assertj.core.groups.Tuple.tuple("bob@sandbox.test", TokenState.NEEDS_LOGIN),
                    org.assertj.core.groups.Tuple.tuple("carol", TokenState.RETRYING));
            assertThat(states.get(0).nextRefresh()).isBefore(states.get(0).expiresAt());
            assertThat(states.toString()).doesNotContain(store.load(alice.name()).orElseThrow().accessToken());
        }
    }

    @Test
    void aNewLoginAfterALostGrantIsNoticedWithoutAReload() throws Exception {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        Account bob = SandboxAccounts.account(sandbox, "bob@sandbox.test"); // not logged in yet
        TokenManager tokens = new TokenManager(store, Clock.systemUTC());
        try (Refresher refresher = new Refresher(tokens, Clock.systemUTC(), recorder, Duration.ofMillis(200))) {
            refresher.start(List.of(bob));
            await(() -> refresher.states().get(0).state() == TokenState.NEEDS_LOGIN, "bob needs a login");
            store.save(bob.name(), SandboxLogins.login(sandbox, bob).tokens()); // what oauthmail login does
            await(() -> refresher.states().get(0).state() == TokenState.OK, "the new login is noticed");
            assertThat(refresher.states().get(0).nextRefresh()).isAfter(Instant.now());
        }
    }

    @Test
    void aMicrosoftRefreshTokenThatKeepsFailingIsWarnedAboutBeforeItsNinetyDaysUnused() throws Exception {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        Account alice = SandboxAccounts.account(sandbox, "alice@sandbox.test");
        java.util.Set<Quirk> microsoftLike = java.util.Set.of(Quirk.REFRESH_TOKEN_DIES_AFTER_90_DAYS_UNUSED);
        Provider unreachable = alice.provider().withEndpoints(new OAuthEndpoints(alice.provider().endpoints().authorization(),
                URI.create("http://127.0.0.1:1/token"), null, null, null));
        Provider microsoft = new Provider("microsoft", unreachable.endpoints(), unreachable.scopes(), null, null, null, microsoftLike);
        Account dave = new Account("dave", "dave@sandbox.test", microsoft, Sandbox.CLIENT_ID, null, null, null);
        Account erin = new Account("erin", "erin@sandbox.test", microsoft, Sandbox.CLIENT_ID, null, null, null);
        Account frank = new Account("frank", "frank@sandbox.test", unreachable, Sandbox.CLIENT_ID, null, null, null);
        Instant longAgo = Instant.now().minus(Duration.ofDays(84));
        store.save("dave", new TokenSet("old", Instant.now().minusSeconds(1), "refresh", longAgo, List.of(), null));
        store.save("erin", new TokenSet("old", Instant.now().minusSeconds(1), "refresh", Instant.now().minus(Duration.ofDays(10)),
                List.of(), null));
        store.save("frank", new TokenSet("old", Instant.now().minusSeconds(1), "refresh", longAgo, List.of(), null));
        TokenManager tokens = new TokenManager(store, Clock.systemUTC(), Duration.ofSeconds(3), Duration.ofSeconds(5),
                RetryPolicy.NONE, Sleeper.SYSTEM);
        try (Refresher refresher = new Refresher(tokens, Clock.systemUTC(), recorder)) {
            refresher.start(List.of(dave, erin, frank));
            await(() -> events.stream().filter(e -> e.startsWith("error ")).count() == 3, "all three fail to refresh");
            assertThat(events).contains("warning dave").doesNotContain("warning erin", "warning frank");
            AccountState state = refresher.states().get(0);
            assertThat(state.message()).contains("last used 84 days ago").contains("about 6 days left")
                    .contains("oauthmail login dave");
        }
    }

    @Test
    void refreshesAreSpreadOverTheFirstFifthOfTheMarginNeverBeforeDue() {
        TokenManager tokens = new TokenManager(EncryptedFileStore.openWithKeyFile(dir), Clock.systemUTC());
        try (Refresher refresher = new Refresher(tokens, Clock.systemUTC(), Events.NONE)) {
            Instant now = Instant.parse("2026-01-01T00:00:00Z");
            TokenSet hourLong = new TokenSet("t", now.plus(Duration.ofMinutes(60)), "r", now, List.of(), null, now);
            Instant due = now.plus(Duration.ofMinutes(55)); // expiry less the 5-minute margin
            java.util.Set<Long> seconds = new java.util.HashSet<>();
            for (int i = 0; i < 1000; i++) {
                Instant next = refresher.nextRefresh(hourLong, now);
                assertThat(next).isBetween(due, due.plus(Duration.ofMinutes(1)));
                seconds.add(next.getEpochSecond());
            }
            assertThat(seconds.size()).as("spread, not one burst").isGreaterThan(30);
        }
    }

    /**
     * The plan over an hour, for the token lives of real providers: Keycloak's 60 s and 300 s, Google's and
     * Microsoft's 3,600 s. Each refresh gives a token of the same life; the count must stay at or under
     * 3,600 / (life - margin), the bound, and near it (the spread only ever delays).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"60, 15", "300, 75", "3600, 300"})
    void refreshesPerHourStayWithinLifeLessMargin(long lifeSeconds, long marginSeconds) {
        TokenManager tokens = new TokenManager(EncryptedFileStore.openWithKeyFile(dir), Clock.systemUTC());
        try (Refresher refresher = new Refresher(tokens, Clock.systemUTC(), Events.NONE)) {
            Instant start = Instant.parse("2026-01-01T00:00:00Z");
            Instant end = start.plus(Duration.ofHours(1));
            Duration life = Duration.ofSeconds(lifeSeconds);
            assertThat(new TokenSet("t", start.plus(life), "r", start, List.of(), null, start).refreshMargin(tokens.margin()))
                    .isEqualTo(Duration.ofSeconds(marginSeconds));
            Instant now = start;
            int refreshes = 0;
            while (true) {
                TokenSet token = new TokenSet("t", now.plus(life), "r", start, List.of(), null, now);
                now = refresher.nextRefresh(token, now);
                if (now.isAfter(end)) {
                    break;
                }
                assertThat(now).as("refreshed while the token is still valid").isBefore(token.expiresAt());
                refreshes++;
            }
            double bound = 3600.0 / (lifeSeconds - marginSeconds);
            assertThat((double) refreshes).isLessThanOrEqualTo(bound).isGreaterThanOrEqualTo(Math.floor(3600.0
                    / (lifeSeconds - marginSeconds + marginSeconds / 5.0)) - 1);
        }
    }

    /**
     * The whole loop in real time, scaled down: 8 s tokens (margin 4 s, the floor of half the life) refreshed by a
     * running refresher for 14 s make at most 14 / (8 - 4) + 1 refreshes, not one a second.
     */
    @Test
    void aRunningRefresherRefreshesShortTokensOnlyWhenDue() throws Exception {
        try (Sandbox shortLived = Sandbox.builder().accessTokenLifetime(Duration.ofSeconds(8)).start()) {
            EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
            Account alice = SandboxAccounts.account(shortLived, "alice@sandbox.test");
            store.save(alice.name(), SandboxLogins.login(shortLived, alice).tokens());
            TokenManager tokens = new TokenManager(store, Clock.systemUTC());
            int before = shortLived.tokenRequests("refresh_token");
            try (Refresher refresher = new Refresher(tokens, Clock.systemUTC(), Events.NONE)) {
                refresher.start(List.of(alice));
                Thread.sleep(14_000); // real time is the point: the refresher's own timers decide
            }
            int refreshes = shortLived.tokenRequests("refresh_token") - before;
            assertThat(refreshes).isBetween(2, 4);
        }
    }
}
