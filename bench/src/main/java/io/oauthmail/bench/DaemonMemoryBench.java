package io.oauthmail.bench;

import io.oauthmail.account.TokenSet;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.server.proxy.LocalPasswords;
import io.oauthmail.store.EncryptedFileStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's resident memory: a real {@code oauthmail serve} process (the {@code ./oauthmail} launcher, so
 * its JVM options) with SMTP and IMAP proxies, 1,000 configured accounts, each a sandbox user with a valid
 * token in the encrypted store, and then idle client sessions through the proxies, every one logged in (so
 * it holds its own upstream TLS connection): half IMAP (INBOX selected), half SMTP (authenticated). Prints
 * VmRSS and VmHWM from /proc/PID/status before and after the sessions, and checks that every session still
 * answers a NOOP through its upstream connection.
 *
 * <p>Run: {@code bench/run DaemonMemory [ACCOUNTS] [SESSIONS]} (defaults 1,000 and 200). The daemon caps each
 * proxy at 200 connections. The sessions are truly idle until the check: the sandbox keeps idle sessions as long
 * as real servers do (IMAP 30 min, SMTP 5 min), longer than opening them all takes. Memory is read 3 s after the
 * last one is open.
 */
public final class DaemonMemoryBench {

    private static final String PASSWORD = "bench local password";

    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        List<String> users = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            users.add(String.format(Locale.ROOT, "u%04d@sandbox.test", i));
        }
        Path root = Path.of(DaemonMemoryBench.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getParent().getParent().getParent();
        try (Sandbox sandbox = Sandbox.builder().users(users).accessTokenLifetime(Duration.ofHours(4)).start()) {
            Path home = Files.createTempDirectory("oauthmail-bench-daemon-");
            long setupStart = System.nanoTime();
            configure(sandbox, home, users);
            System.out.printf(Locale.ROOT, "%d accounts configured, tokens stored, local passwords set in %.1f s (%s)%n",
                    accounts, (System.nanoTime() - setupStart) / 1e9, home);

            int smtpPort = freePort();
            int imapPort = freePort();
            Path log = home.resolve("serve.log");
            ProcessBuilder serve = new ProcessBuilder(root.resolve("oauthmail").toString(), "serve",
                    "--listen", "smtp=127.0.0.1:" + smtpPort, "--listen", "imap=127.0.0.1:" + imapPort)
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            serve.environment().put("OAUTHMAIL_HOME", home.toString());
            Process daemon = serve.start();
            try {
                waitFor(log, "account(s) fresh", daemon);
                Thread.sleep(3000); // let the refresher's first pass over every account settle
                System.out.printf(Locale.ROOT, "oauthmail serve (pid %d), %d accounts, no client session: %s%n",
                        daemon.pid(), accounts, memory(daemon.pid()));

                long openStart = System.nanoTime();
                List<Idle> open = openSessions(users, sessions, smtpPort, imapPort);
                System.out.printf(Locale.ROOT, "%d idle sessions logged in through the proxies (%d IMAP, %d SMTP) in %.1f s%n",
                        open.size(), open.stream().filter(s -> s.imap).count(), open.stream().filter(s -> !s.imap).count(),
                        (System.nanoTime() - openStart) / 1e9);
                Thread.sleep(3000);
                System.out.printf(Locale.ROOT, "oauthmail serve (pid %d), %d accounts, %d idle sessions: %s%n",
                        daemon.pid(), accounts, open.size(), memory(daemon.pid()));
                int imapAlive = 0;
                int smtpAlive = 0;
                for (Idle session : open) {
                    boolean alive = session.noop();
                    imapAlive += alive && session.imap ? 1 : 0;
                    smtpAlive += alive && !session.imap ? 1 : 0;
                    session.socket.close();
                }
                System.out.printf(Locale.ROOT, "sessions that still answered NOOP through upstream: IMAP %d, SMTP %d, of %d%n",
                        imapAlive, smtpAlive, open.size());
            } finally {
                daemon.destroy(); // SIGTERM: the daemon's own shutdown
                if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly();
                }
            }
        }
    }

    /** One config section per user (the first added with the CLI, the rest copied from it), a token each. */
    private static void configure(Sandbox sandbox, Path home, List<String> users) throws Exception {
        SandboxHome first = new SandboxHome(sandbox, home, users.get(0));
        Path config = home.resolve("config.toml");
        String text = Files.readString(config);
        String header = "[accounts.\"" + users.get(0) + "\"]";
        int start = text.indexOf(header);
        int next = text.indexOf("\n[", start + header.length());
        String section = text.substring(start, next < 0 ? text.length() : next + 1);
        StringBuilder all = new StringBuilder(text);
        if (!all.toString().endsWith("\n")) {
            all.append('\n');
        }
        for (String user : users.subList(1, users.size())) {
            all.append('\n').append(section.replace(users.get(0), user));
        }
        Files.writeString(config, all);

        EncryptedFileStore store = first.store;
        Instant now = Instant.now();
        for (String user : users.subList(1, users.size())) {
            String token = sandbox.issueAccessToken(user, "openid email " + Sandbox.MAIL_SCOPE, Duration.ofHours(4));
            store.save(user, new TokenSet(token, now.plus(Duration.ofHours(4)), "not-used-within-the-bench", now,
                    List.of("openid", "email", Sandbox.MAIL_SCOPE), null));
        }
        // One slow PBKDF2 hash, the same line for every account: the daemon verifies each login the full cost.
        Path passwords = home.resolve("state/local-passwords");
        new LocalPasswords(passwords).set(users.get(0), PASSWORD.toCharArray());
        String line = Files.readString(passwords).strip();
        String rest = line.substring(line.indexOf('\t'));
        StringBuilder lines = new StringBuilder();
        users.forEach(user -> lines.append(user).append(rest).append('\n'));
        Files.writeString(passwords, lines);
    }

    /** A logged-in client session kept open. */
    private record Idle(Socket socket, BufferedReader in, boolean imap) {
        boolean noop() {
            try {
                OutputStream out = socket.getOutputStream();
                out.write((imap ? "n1 NOOP\r\n" : "NOOP\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String line;
                while ((line = in.readLine()) != null) {
                    if (imap ? line.startsWith("n1 ") : !line.startsWith("250-")) {
                        return imap ? line.startsWith("n1 OK") : line.startsWith("250");
                    }
                }
                return false;
            } catch (java.io.IOException e) {
                return false;
            }
        }
    }

    private static List<Idle> openSessions(List<String> users, int sessions, int smtpPort, int imapPort) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Idle>> opening = new ArrayList<>();
            List<Idle> open = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < sessions; i++) {
                String user = users.get(i % users.size());
                boolean imap = i % 2 == 0;
                opening.add(pool.submit(() -> {
                    Idle session = imap ? imap(user, imapPort) : smtp(user, smtpPort);
                    open.add(session);
                    return session;
                }));
            }
            // Each login costs the daemon a slow password hash, so opening takes a while.
            for (Future<Idle> future : opening) {
                future.get(5, TimeUnit.MINUTES);
            }
            return new ArrayList<>(open);
        } finally {
            pool.shutdown();
        }
    }

    private static Idle imap(String user, int port) throws Exception {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(120_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = socket.getOutputStream();
        in.readLine();
        out.write(("a1 LOGIN \"" + user + "\" \"" + PASSWORD + "\"\r\na2 SELECT INBOX\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String line;
        while ((line = in.readLine()) != null && !line.startsWith("a2 ")) {
            if (line.startsWith("a1 ") && !line.startsWith("a1 OK")) {
                throw new IllegalStateException(user + ": " + line);
            }
        }
        if (line == null || !line.startsWith("a2 OK")) {
            throw new IllegalStateException(user + ": SELECT answered " + line);
        }
        return new Idle(socket, in, true);
    }

    private static Idle smtp(String user, int port) throws Exception {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(120_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = socket.getOutputStream();
        in.readLine();
        String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        out.write(("EHLO bench\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String line;
        while ((line = in.readLine()) != null && line.startsWith("250-")) {
            // capabilities
        }
        out.write(("AUTH PLAIN " + plain + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        line = in.readLine();
        if (line == null || !line.startsWith("235")) {
            throw new IllegalStateException(user + ": AUTH answered " + line);
        }
        return new Idle(socket, in, false);
    }

    private static String memory(long pid) throws Exception {
        String rss = "?";
        String hwm = "?";
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = line.substring(6).strip();
            } else if (line.startsWith("VmHWM:")) {
                hwm = line.substring(6).strip();
            }
        }
        long threads;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            threads = tasks.count();
        }
        return String.format(Locale.ROOT, "VmRSS %s (%.1f MiB), VmHWM %s (%.1f MiB), %d threads", rss, kib(rss) / 1024.0, hwm,
                kib(hwm) / 1024.0, threads);
    }

    private static long kib(String value) {
        return Long.parseLong(value.replace("kB", "").strip());
    }

    private static void waitFor(Path log, String text, Process daemon) throws Exception {
        for (int i = 0; i < 1200; i++) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            if (!daemon.isAlive()) {
                throw new IllegalStateException("oauthmail serve exited: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("oauthmail serve did not start in 120 s: " + Files.readString(log));
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
