package io.oauthmail.bench;

import io.oauthmail.account.Account;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.oauth.LoopbackFlow;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.JdbcTokenStore;
import io.oauthmail.store.TokenStore;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * kill -9 during {@code oauthmail refresh}, over and over, against a sandbox that rotates refresh tokens and refuses
 * a used one (issue 9, item 2). Each cycle starts a child JVM ({@link CrashRefreshChild}) that refreshes through the
 * real TokenManager and store via a {@link TimingRelay}, kills it at a random moment (JVM start, request in flight,
 * after the answer), then refreshes once in this process with what the store holds: success means the grant
 * survived, invalid_grant that it was lost (a new login then restores it so the cycles go on).
 *
 * <p>Reports, by where the kill landed, kills and grants lost (target: none lost when the process outlived the
 * answer by 5 ms), and the window from the answer's last byte to durable tokens (p50/p99).
 *
 * <p>Run: {@code bench/run CrashRefresh [CYCLES] [file|h2] [WORKERS]}
 */
public final class CrashRefreshBench {

    static final long AFTER_ANSWER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Children killed at once: 2 by default (two cores shared with others: no more); 1 for a quieter machine. */
    private final int parallel;
    private static final long LINGER_MILLIS = 300;

    private final Sandbox sandbox;
    private final String kind;
    private final Path storePath;
    private final Path keyFile;
    private final TokenStore store;
    private final TokenManager tokens;

    private CrashRefreshBench(Sandbox sandbox, String kind, Path work, int workers) throws Exception {
        this.parallel = workers;
        this.sandbox = sandbox;
        this.kind = kind;
        this.keyFile = work.resolve("h2.key");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.write(keyFile, key);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        this.storePath = kind.equals("file") ? work.resolve("tokens") : work.resolve("db").resolve("tokens");
        // This process opens the store first, so with H2 it is the one serving the file to the children.
        this.store = kind.equals("file") ? EncryptedFileStore.openWithKeyFile(storePath) : JdbcTokenStore.openH2(storePath, key);
        this.tokens = new TokenManager(store, Clock.systemUTC(), TokenManager.DEFAULT_MARGIN, Duration.ofSeconds(20),
                RetryPolicy.NONE, Sleeper.SYSTEM);
    }

    public static void main(String[] args) throws Exception {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String kind = args.length > 1 ? args[1] : "file";
        if (!kind.equals("file") && !kind.equals("h2")) {
            throw new IllegalArgumentException("store kind is file or h2, not " + kind);
        }
        Path work = Files.createTempDirectory("oauthmail-crash-");
        try (Sandbox sandbox = Sandbox.start()) {
            new CrashRefreshBench(sandbox, kind, work, args.length > 2 ? Integer.parseInt(args[2]) : 2).run(cycles);
        }
    }

    private void run(int cycles) throws Exception {
        List<Worker> workers = new ArrayList<>();
        for (String user : sandbox.users().subList(0, parallel)) {
            workers.add(new Worker(user));
        }
        for (Worker worker : workers) {
            worker.calibrate();
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        long start = System.nanoTime();
        List<Future<List<CrashCycle>>> results = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            Worker worker = workers.get(i);
            int share = cycles / parallel + (i < cycles % parallel ? 1 : 0);
            results.add(pool.submit(() -> worker.cycles(share)));
        }
        List<CrashCycle> all = new ArrayList<>();
        for (Future<List<CrashCycle>> result : results) {
            all.addAll(result.get());
        }
        pool.shutdown();
        for (Worker worker : workers) {
            worker.relay.close();
        }
        System.out.printf(Locale.ROOT, "CrashRefresh: %s store, %d cycles in %.0f s (%d workers); child JVM %s%n", kind,
                all.size(), (System.nanoTime() - start) / 1e9, parallel, String.join(" ", CrashCycle.JVM_OPTIONS));
        CrashCycle.report(all);
    }

    /** One account, one relay, one child at a time. */
    private final class Worker {
        final Account account;
        final TimingRelay relay;
        long answerAfterSpawn; // typical nanos from spawning a child to its answer, measured by calibrate()

        Worker(String user) throws Exception {
            Provider provider = new Provider("sandbox", new OAuthEndpoints(sandbox.authorizationEndpoint(),
                    sandbox.tokenEndpoint(), null, null, null), List.of("openid", "email", Sandbox.MAIL_SCOPE),
                    null, null, null, java.util.Set.of());
            this.account = new Account(user, user, provider, Sandbox.CLIENT_ID, null, List.of(), sandbox.caFile());
            this.relay = new TimingRelay(sandbox.tokenEndpoint());
            login();
        }

        void login() {
            try (LoopbackFlow.Pending login = new LoopbackFlow(account, Clock.systemUTC(), Duration.ofSeconds(30)).begin(0)) {
                sandbox.browser().approve(login.authorizationUrl(), account.name());
                store.save(account.name(), login.await().tokens());
            }
        }

        /** A few children left alone, to learn when the answer comes so kills can be aimed around it too. */
        void calibrate() throws Exception {
            long[] answers = new long[3];
            for (int i = 0; i < answers.length; i++) {
                relay.drain();
                long spawned = System.nanoTime();
                Process child = spawn();
                if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0) {
                    throw new IllegalStateException("a child refresh failed (exit " + child.exitValue() + "); see its stderr in "
                            + storePath.getParent());
                }
                relay.awaitIdle();
                answers[i] = relay.drain().get(0).answeredNanos() - spawned;
            }
            java.util.Arrays.sort(answers);
            answerAfterSpawn = answers[1];
            System.out.printf(Locale.ROOT, "%s: answer %.0f ms after spawning the child (median of %d)%n", account.name(),
                    answerAfterSpawn / 1e6, answers.length);
        }

        List<CrashCycle> cycles(int count) throws Exception {
            List<CrashCycle> done = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                done.add(cycle());
            }
            return done;
        }

        /**
         * Waits for the moment to kill, aimed at one of three phases so each gets enough kills whatever the load:
         * 30% at a random time since the spawn up to the typical answer (mostly JVM start), 20% within 10 ms of
         * the request reaching the relay (in flight), 50% within 250 ms after the answer was written (the save,
         * then the rest of the run).
         */
        private void awaitKillMoment(long spawned, Process child) throws InterruptedException {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int phase = random.nextInt(10);
            long ms = TimeUnit.MILLISECONDS.toNanos(1);
            long at;
            if (phase < 3) {
                at = spawned + random.nextLong(answerAfterSpawn);
            } else {
                long event = relay.await(phase >= 5, child);
                if (event == 0) {
                    return; // the child ended (or hung): kill now
                }
                at = event + (phase < 5 ? random.nextLong(10 * ms) : random.nextLong(250 * ms));
            }
            LockSupport.parkNanos(at - System.nanoTime());
        }

        private CrashCycle cycle() throws Exception {
            relay.drain();
            long spawned = System.nanoTime();
            Process child = spawn();
            awaitKillMoment(spawned, child);
            boolean alive = child.isAlive();
            long killedAt = System.nanoTime();
            child.destroyForcibly();
            child.waitFor();
            relay.awaitIdle();
            List<TimingRelay.Exchange> exchanges = relay.drain();
            String out = Files.readString(output(), StandardCharsets.US_ASCII);
            boolean lost;
            try {
                tokens.refresh(account);
                lost = false;
            } catch (ReauthorizationRequired e) {
                lost = true;
                login();
            }
            return CrashCycle.of(alive ? killedAt : 0, exchanges, out, lost);
        }

        private Path output() {
            return storePath.resolveSibling(account.name() + ".stdout");
        }

        private Process spawn() throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(CrashCycle.JVM_OPTIONS);
            String extra = System.getenv("CRASH_CHILD_OPTS"); // e.g. -Xlog:class+load to profile the child
            if (extra != null && !extra.isBlank()) {
                command.addAll(List.of(extra.trim().split("\\s+")));
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashRefreshChild.class.getName(), kind,
                    storePath.toString(), keyFile.toString(), relay.uri().toString(), account.name(),
                    Long.toString(LINGER_MILLIS)));
            // To a file: destroyForcibly() closes the pipes, and what the child printed before dying is needed.
            return new ProcessBuilder(command).redirectOutput(output().toFile())
                    .redirectError(storePath.resolveSibling(account.name() + ".stderr").toFile()).start();
        }
    }
}
