package io.oauthmail.server.proxy;

import static io.oauthmail.server.proxy.ProxyFixture.BOB;
import static io.oauthmail.server.proxy.ProxyFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oauthmail.token.TokenManager;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 items 4 and 5 over real sockets: an unknown name costs what a wrong password costs (work, time, reply);
 * a guesser does not lock the owner out; each failure leaves the one log line fail2ban matches.
 */
@Tag("slow")
class ProxyLoginGuardTest {

    /** The README's fail2ban failregex, with fail2ban's {@code <HOST>} as a plain address. */
    static final Pattern FAIL2BAN = Pattern.compile(
            "oauthmail: local login failed for account \"[^\"]*\" from (?<host>[0-9a-fA-F:.]+) \\((imap|smtp|pop3)\\)$");
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static ProxyFixture proxies;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        proxies = new ProxyFixture(io.oauthmail.sandbox.Sandbox.start(), dir.resolve("fixture"), TokenManager.DEFAULT_MARGIN,
                50, Map.of());
    }

    @AfterAll
    static void stop() {
        proxies.close();
    }

    /** One IMAP LOGIN on a new connection: the tagged reply without its tag, and how long it took from connecting. */
    private record Login(String reply, long millis) {
    }

    private static Login login(int port, String user, String password) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            in.readLine();
            out.write(("a1 LOGIN \"" + user + "\" \"" + password + "\"\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String reply = in.readLine();
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (reply != null && reply.startsWith("a1 OK")) {
                out.write("a2 LOGOUT\r\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            return new Login(reply == null ? "(closed)" : reply.substring(3), millis);
        }
    }

    private static long percentile(List<Long> values, double p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }

    @Test
    void anUnknownNameAndAWrongPasswordCostTheSameWorkTimeAndReply() throws Exception {
        // The real hash; no throttle, so that only the check itself is timed.
        LocalPasswords passwords = new LocalPasswords(dir.resolve("timing"), LocalPasswords.ITERATIONS, new LoginThrottle(
                new LoginThrottle.Settings(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(1), 100), Clock.systemUTC()));
        passwords.set(BOB, PASSWORD.toCharArray());
        List<Long> unknown = new ArrayList<>();
        List<Long> wrong = new ArrayList<>();
        Random random = new Random(4);
        try (ImapProxy imap = ImapProxy.start(LOOPBACK, proxies.accounts, passwords, proxies.tokens, 20)) {
            for (int round = -2; round < 21; round++) { // two rounds to warm up, then 21 of each, in random order
                boolean unknownFirst = random.nextBoolean();
                for (boolean isUnknown : new boolean[] {unknownFirst, !unknownFirst}) {
                    long hashes = passwords.slowHashes();
                    Login login = isUnknown ? login(imap.port(), "nobody" + round + "@sandbox.test", "guess " + round)
                            : login(imap.port(), BOB, "guess " + round);
                    assertThat(login.reply()).isEqualTo("NO [AUTHENTICATIONFAILED] authentication failed");
                    assertThat(passwords.slowHashes() - hashes).as("slow hashes for one failure").isEqualTo(1);
                    if (round >= 0) {
                        (isUnknown ? unknown : wrong).add(login.millis());
                    }
                }
            }
        }
        long unknownMedian = percentile(unknown, 0.5);
        long wrongMedian = percentile(wrong, 0.5);
        // Paired: each round's two logins ran back to back, so a load that comes and goes hits both alike.
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < unknown.size(); i++) {
            ratios.add((double) Math.max(1, unknown.get(i)) / Math.max(1, wrong.get(i)));
        }
        java.util.Collections.sort(ratios);
        double pairedMedian = ratios.get(ratios.size() / 2);
        System.out.printf("login failure, median of %d: unknown name %d ms, wrong password %d ms, paired ratio %.2f%n",
                unknown.size(), unknownMedian, wrongMedian, pairedMedian);
        // The same hash either way (asserted exactly above). Skipping the hash for unknown names, as before, gives a
        // ratio near 0.01; the band is wide because a two-core machine running other suites (load 10 to 20 seen)
        // moved separate medians to 0.49.
        assertThat(pairedMedian).isBetween(0.25, 4.0);
    }

    @Test
    void theOwnersLoginsStayFastWhileFortyConnectionsGuessItsPassword() throws Exception {
        LocalPasswords passwords = new LocalPasswords(dir.resolve("attack")); // the daemon's: real hash, real throttle
        passwords.set(BOB, PASSWORD.toCharArray());
        AtomicBoolean attacking = new AtomicBoolean(true);
        AtomicInteger guesses = new AtomicInteger();
        Set<Socket> guessers = ConcurrentHashMap.newKeySet();
        ExecutorService threads = Executors.newFixedThreadPool(40);
        try (ImapProxy imap = ImapProxy.start(LOOPBACK, proxies.accounts, passwords, proxies.tokens, 100)) {
            assertThat(login(imap.port(), BOB, PASSWORD).reply()).startsWith("OK"); // the owner's client, set up before
            List<Long> quiet = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                quiet.add(login(imap.port(), BOB, PASSWORD).millis());
            }
            long hashesBefore = passwords.slowHashes();
            for (int i = 0; i < 40; i++) {
                int guesser = i;
                threads.submit(() -> guess(imap.port(), guesser, attacking, guesses, guessers));
            }
            await("the attack under way: forty connections guessing, their guesses hashing")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(25))
                    .until(() -> guessers.size() == 40 && passwords.slowHashes() > hashesBefore);
            List<Long> owner = new ArrayList<>();
            for (int i = 0; i < 100; i++) { // enough for a p99 that one stall of a busy test machine does not decide
                Login login = login(imap.port(), BOB, PASSWORD);
                assertThat(login.reply()).startsWith("OK");
                owner.add(login.millis());
                Thread.sleep(100); // logins spread over ten seconds of the attack: the throttle's turns are real time
            }
            long hashes = passwords.slowHashes() - hashesBefore;
            System.out.printf("owner's login during a 40-connection attack, %d logins: p50 %d ms, p99 %d ms, max %d ms; "
                            + "guesses answered %d, slow hashes %d, failures counted for 127.0.0.1 %.1f%n", owner.size(),
                    percentile(owner, 0.5), percentile(owner, 0.99), percentile(owner, 1.0), guesses.get(), hashes,
                    passwords.throttle().failures(InetAddress.getLoopbackAddress()));
            System.out.println("owner's logins in order, ms: " + owner + "; without an attack: " + quiet);
            assertThat(percentile(owner, 0.99)).as("owner's login p99, ms").isLessThan(1_000);
            // The address's checks take turns: about one per turn once the throttle is at its cap, plus the first burst.
            assertThat(hashes).as("slow hashes the guessers got").isLessThan(100);
        } finally {
            attacking.set(false);
            for (Socket socket : guessers) {
                socket.close();
            }
            threads.shutdownNow();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** A guesser: three wrong passwords per connection, then a new connection, until the attack ends. */
    private static void guess(int port, int guesser, AtomicBoolean attacking, AtomicInteger guesses, Set<Socket> sockets) {
        int n = 0;
        while (attacking.get()) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                sockets.add(socket);
                socket.setSoTimeout(60_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = socket.getOutputStream();
                in.readLine();
                for (int i = 0; i < 3 && attacking.get(); i++) {
                    out.write(("g" + i + " LOGIN " + BOB + " \"guess " + guesser + "-" + n++ + "\"\r\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    if (in.readLine() == null) {
                        break;
                    }
                    guesses.incrementAndGet();
                }
                sockets.remove(socket);
            } catch (IOException e) {
                // closed at the end of the attack, or by the proxy: try again while the attack lasts
            }
        }
    }

    @Test
    void aNewPasswordAfterTyposOpeningTenSessionsWaitsForOneCheckNotTenTurns() throws Exception {
        LocalPasswords passwords = new LocalPasswords(dir.resolve("typos"), 1_000, new LoginThrottle(
                new LoginThrottle.Settings(Duration.ofSeconds(2), Duration.ofSeconds(20), Duration.ofMinutes(1), 100),
                Clock.systemUTC()));
        passwords.set(BOB, PASSWORD.toCharArray());
        ExecutorService threads = Executors.newFixedThreadPool(10);
        try (ImapProxy imap = ImapProxy.start(LOOPBACK, proxies.accounts, passwords, proxies.tokens, 20)) {
            assertThat(login(imap.port(), BOB, "a typo").reply()).startsWith("NO");
            long hashes = passwords.slowHashes();
            long start = System.nanoTime();
            List<Future<Login>> sessions = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                sessions.add(threads.submit(() -> login(imap.port(), BOB, PASSWORD)));
            }
            for (Future<Login> session : sessions) {
                assertThat(session.get(30, TimeUnit.SECONDS).reply()).startsWith("OK");
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            // Ten turns 2 s apart would end after 18 s or more; they all go once the first check (its turn at 2 s) is done.
            assertThat(millis).isBetween(1_500L, 8_000L);
            assertThat(passwords.slowHashes() - hashes).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void eachFailureLogsTheLineFail2banMatchesWithoutThePassword() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            login(proxies.imap.port(), BOB, "wrong password 1");
            login(proxies.imap.port(), "ev\\\"il\\\\name", "wrong password 2");
        } finally {
            System.setErr(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("local login failed")).toList();
        assertThat(lines).hasSize(2).allSatisfy(line -> {
            assertThat(FAIL2BAN.matcher(line).find()).as(line).isTrue();
            assertThat(line).doesNotContain("wrong password");
        });
        assertThat(lines.get(0)).endsWith("oauthmail: local login failed for account \"" + BOB + "\" from 127.0.0.1 (imap)");
        assertThat(lines.get(1)).contains("account \"ev?il?name\"");
    }
}
