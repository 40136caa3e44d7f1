package io.oauthmail.bench;

import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.server.proxy.ImapProxy;
import io.oauthmail.server.proxy.LocalPasswords;
import io.oauthmail.server.proxy.SmtpProxy;
import io.oauthmail.token.TokenManager;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The proxy's cost, in one process: a sandbox, oauthmail's SMTP and IMAP proxies on loopback, and the same
 * work done straight to the sandbox's servers (TLS, XOAUTH2 with the account's token) and through the proxy
 * (plain loopback, AUTH PLAIN / LOGIN with the local password; the proxy adds TLS and XOAUTH2 upstream):
 * <ul>
 *   <li>SMTP: 1,000 messages of 50 KB over 10 concurrent connections, each logged in once and sending 100
 *       (Angus Mail), to the STARTTLS submission port; every run checks that all 1,000 arrived;</li>
 *   <li>IMAP: one {@code FETCH 1:* BODY.PEEK[]} of 1,000 messages of 50 KB (bulk), and single-message
 *       FETCHes one after the other (latency: where a proxy without TCP_NODELAY loses 45 ms a command).</li>
 * </ul>
 * After a warm-up, rounds alternate direct/proxy (A/B, then B/A) so the machine's drift hits both alike;
 * the proxy/direct ratio is computed per round and reported as a median with quartiles.
 *
 * <p>Run: {@code bench/run ProxyThroughput [ROUNDS] [MESSAGES] [SINGLE_FETCHES]} (defaults 5, 1,000 and 200: the
 * sandbox's GreenMail answers a lone FETCH in about 44 ms either way, Nagle's algorithm on its side, so 1,000 of
 * them would take 45 s a run and say nothing more).
 */
public final class ProxyThroughputBench {

    private static final int CONNECTIONS = 10;
    private static final int MESSAGE_BYTES = 50 * 1024;
    private static final String PASSWORD = "bench local password";
    private static final String ALICE = "alice@sandbox.test";
    private static final String BOB = "bob@sandbox.test";
    private static final String CAROL = "carol@sandbox.test";

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int singles = Math.min(messages, args.length > 2 ? Integer.parseInt(args[2]) : 200);
        try (Sandbox sandbox = Sandbox.builder().users(List.of(ALICE, BOB, CAROL)).accessTokenLifetime(Duration.ofHours(4)).start()) {
            Path dir = Files.createTempDirectory("oauthmail-bench-");
            SandboxHome alice = new SandboxHome(sandbox, dir, ALICE);
            SandboxHome bob = new SandboxHome(sandbox, dir, BOB); // same home: one config, one store
            TokenManager tokens = new TokenManager(alice.store, Clock.systemUTC());
            LocalPasswords passwords = new LocalPasswords(dir.resolve("state/local-passwords"));
            passwords.set(ALICE, PASSWORD.toCharArray());
            passwords.set(BOB, PASSWORD.toCharArray());
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            Map<String, io.oauthmail.account.Account> accounts = Map.of(ALICE, alice.account, BOB, bob.account);
            ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
            try (SmtpProxy smtpProxy = SmtpProxy.start(loopback, accounts, passwords, tokens, 50);
                    ImapProxy imapProxy = ImapProxy.start(loopback, accounts, passwords, tokens, 50)) {
                byte[] body = body();
                String aliceToken = tokens.accessToken(alice.account);
                String bobToken = tokens.accessToken(bob.account);
                String carolToken = sandbox.issueAccessToken(CAROL, Sandbox.MAIL_SCOPE, Duration.ofHours(4));

                Smtp direct = n -> send(pool, smtpSession(sandbox, true), sandbox.submission().host(),
                        sandbox.submission().port(), ALICE, aliceToken, n, body);
                Smtp proxied = n -> send(pool, smtpSession(sandbox, false), "127.0.0.1", smtpProxy.port(), ALICE, PASSWORD, n, body);
                Imap imapDirect = () -> RawImap.xoauth2(sandbox.imaps().host(), sandbox.imaps().port(),
                        sandbox.clientTlsContext(), BOB, bobToken);
                Imap imapProxied = () -> RawImap.login("127.0.0.1", imapProxy.port(), BOB, PASSWORD);

                // Bob's INBOX: the messages the IMAP runs read, sent once over one direct connection.
                send(Executors.newSingleThreadExecutor(), smtpSession(sandbox, true), sandbox.submission().host(),
                        sandbox.submission().port(), ALICE, aliceToken, -messages, body);

                // warm-up: both paths, both protocols, not counted
                smtpRun(direct, sandbox, carolToken, Math.min(200, messages));
                smtpRun(proxied, sandbox, carolToken, Math.min(200, messages));
                bulkFetch(imapDirect, messages);
                bulkFetch(imapProxied, messages);
                singleFetches(imapDirect, Math.min(50, singles));
                singleFetches(imapProxied, Math.min(50, singles));

                double[][] smtp = new double[2][rounds];
                double[][] bulk = new double[2][rounds];
                double[][] single = new double[2][rounds];
                int loginsBefore = smtpProxy.upstreamLogins();
                for (int r = 0; r < rounds; r++) {
                    for (int side : r % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                        smtp[side][r] = smtpRun(side == 0 ? direct : proxied, sandbox, carolToken, messages);
                    }
                    for (int side : r % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                        bulk[side][r] = bulkFetch(side == 0 ? imapDirect : imapProxied, messages);
                    }
                    for (int side : r % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                        single[side][r] = singleFetches(side == 0 ? imapDirect : imapProxied, singles);
                    }
                    System.out.printf(Locale.ROOT, "round %d: SMTP %7.1f / %7.1f msg/s   bulk FETCH %7.1f / %7.1f msg/s   "
                            + "single FETCH %7.1f / %7.1f msg/s   (direct / proxy)%n", r + 1, smtp[0][r], smtp[1][r],
                            bulk[0][r], bulk[1][r], single[0][r], single[1][r]);
                }
                int upstreamLogins = smtpProxy.upstreamLogins() - loginsBefore;

                System.out.printf(Locale.ROOT, "%d messages of %d KB; %d rounds after a warm-up; direct = TLS + XOAUTH2 to the sandbox, "
                        + "proxy = plain loopback + local password, proxy adds TLS + XOAUTH2 upstream%n", messages, MESSAGE_BYTES / 1024, rounds);
                report("SMTP, " + CONNECTIONS + " connections x " + messages / CONNECTIONS + " messages", smtp);
                report("IMAP, one FETCH 1:* BODY.PEEK[]", bulk);
                report("IMAP, " + singles + " single-message FETCHes", single);
                System.out.printf(Locale.ROOT, "SMTP proxy logins upstream during the rounds: %d (%d expected: one per connection)%n",
                        upstreamLogins, rounds * CONNECTIONS);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void report(String what, double[][] figures) {
        System.out.printf(Locale.ROOT, "%-44s direct median %8.1f msg/s, proxy median %8.1f msg/s; proxy/direct per round: %s "
                + "(target >= 0.90)%n", what, Rounds.median(figures[0]), Rounds.median(figures[1]),
                Rounds.medianAndQuartiles(Rounds.ratios(figures[1], figures[0])));
    }

    private interface Smtp {
        void send(int messages) throws Exception;
    }

    private interface Imap {
        RawImap open() throws Exception;
    }

    /** Sends {@code messages} to Carol, returns messages per second, then checks all arrived and empties her INBOX. */
    private static double smtpRun(Smtp smtp, Sandbox sandbox, String carolToken, int messages) throws Exception {
        long start = System.nanoTime();
        smtp.send(messages);
        double rate = messages / ((System.nanoTime() - start) / 1e9);
        try (RawImap carol = RawImap.xoauth2(sandbox.imaps().host(), sandbox.imaps().port(), sandbox.clientTlsContext(),
                CAROL, carolToken)) {
            int arrived = carol.command("SELECT INBOX").exists();
            if (arrived != messages) {
                throw new IllegalStateException(arrived + " of " + messages + " messages arrived");
            }
            carol.command("STORE 1:* +FLAGS.SILENT (\\Deleted)");
            carol.command("EXPUNGE");
        }
        return rate;
    }

    private static double bulkFetch(Imap imap, int messages) throws Exception {
        try (RawImap session = imap.open()) {
            session.command("EXAMINE INBOX");
            long start = System.nanoTime();
            RawImap.Answer answer = session.command("FETCH 1:" + messages + " BODY.PEEK[]");
            double rate = messages / ((System.nanoTime() - start) / 1e9);
            if (answer.literals() != messages || answer.literalBytes() < (long) messages * MESSAGE_BYTES) {
                throw new IllegalStateException("FETCH returned " + answer.literals() + " bodies, " + answer.literalBytes() + " bytes");
            }
            return rate;
        }
    }

    private static double singleFetches(Imap imap, int messages) throws Exception {
        try (RawImap session = imap.open()) {
            session.command("EXAMINE INBOX");
            long start = System.nanoTime();
            for (int i = 1; i <= messages; i++) {
                if (session.command("FETCH " + i + " BODY.PEEK[]").literals() != 1) {
                    throw new IllegalStateException("FETCH " + i + " returned no body");
                }
            }
            return messages / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static Session smtpSession(Sandbox sandbox, boolean direct) {
        Properties props = new Properties();
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.connectiontimeout", "10000");
        if (direct) {
            props.put("mail.smtp.auth.mechanisms", "XOAUTH2");
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
            props.put("mail.smtp.ssl.socketFactory", sandbox.clientTlsContext().getSocketFactory());
            props.put("mail.smtp.ssl.checkserveridentity", "true");
        } else {
            props.put("mail.smtp.auth.mechanisms", "PLAIN");
        }
        return Session.getInstance(props);
    }

    /**
     * {@code messages} over {@link #CONNECTIONS} connections (each logged in once), from Alice to Carol; a
     * negative count sends that many to Bob over one connection (the IMAP runs' mailbox).
     */
    private static void send(ExecutorService pool, Session session, String host, int port, String user, String secret,
            int messages, byte[] body) throws Exception {
        int connections = messages < 0 ? 1 : CONNECTIONS;
        int count = Math.abs(messages);
        String to = messages < 0 ? BOB : CAROL;
        List<Future<?>> sent = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int share = count / connections + (c < count % connections ? 1 : 0);
            sent.add(pool.submit(() -> {
                MimeMessage message = new MimeMessage(session);
                message.setFrom(new InternetAddress(ALICE));
                message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
                message.setSubject("bench");
                message.setText(new String(body, java.nio.charset.StandardCharsets.US_ASCII), "us-ascii");
                message.saveChanges();
                try (Transport transport = session.getTransport("smtp")) {
                    transport.connect(host, port, user, secret);
                    for (int i = 0; i < share; i++) {
                        transport.sendMessage(message, message.getAllRecipients());
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : sent) {
            future.get();
        }
        if (messages < 0) {
            pool.shutdown();
        }
    }

    /** 50 KB of 7-bit text in 76-character lines. */
    private static byte[] body() {
        StringBuilder text = new StringBuilder(MESSAGE_BYTES + 100);
        String line = "The quick brown fox jumps over the lazy dog, and then does it once again... ";
        while (text.length() < MESSAGE_BYTES) {
            text.append(line, 0, 74).append("\r\n");
        }
        return text.substring(0, MESSAGE_BYTES).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
