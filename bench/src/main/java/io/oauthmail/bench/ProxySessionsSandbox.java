package io.oauthmail.bench;

import io.oauthmail.account.TokenSet;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.server.proxy.LocalPasswords;
import io.oauthmail.store.EncryptedFileStore;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The sandbox side of {@code bench/e2e/proxy-sessions --bed sandbox}: an embedded OAuth server and GreenMail (with
 * its implicit-TLS front) in this JVM, and an {@code OAUTHMAIL_HOME} set up for it, so that the script runs a real
 * {@code oauthmail serve} in a JVM of its own and measures that JVM alone. ACCOUNTS accounts
 * ({@code s0000@sandbox.test} ...), the first added with the CLI and logged in through the loopback flow, the rest
 * copied from it with tokens valid 4 h (no refresh during a run); every one gets the local password PASSWORD and
 * one message in its INBOX (sent with {@code oauthmail send}), so FETCH 1 has a body to return. Writes
 * {@code HOME/sandbox-ready} when done and runs until killed.
 *
 * <p>Run: {@code java -cp bench/target/oauthmail-bench.jar:bench/target/lib/* io.oauthmail.bench.ProxySessionsSandbox
 * HOME ACCOUNTS PASSWORD}
 */
public final class ProxySessionsSandbox {

    private ProxySessionsSandbox() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        String password = args[2];
        List<String> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            users.add(String.format(Locale.ROOT, "s%04d@sandbox.test", i));
        }
        Sandbox sandbox = Sandbox.builder().users(users).accessTokenLifetime(Duration.ofHours(4)).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }));
        Files.createDirectories(home);
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
        Path passwords = home.resolve("state/local-passwords");
        new LocalPasswords(passwords).set(users.get(0), password.toCharArray());
        String line = Files.readString(passwords).strip();
        String rest = line.substring(line.indexOf('\t'));
        StringBuilder lines = new StringBuilder();
        users.forEach(user -> lines.append(user).append(rest).append('\n'));
        Files.writeString(passwords, lines);

        Path body = home.resolve("message.txt");
        Files.writeString(body, "A message for FETCH 1 of bench/e2e/proxy-sessions.\n".repeat(40));
        StringWriter err = new StringWriter();
        int exit = OAuthMailCli.run(new String[] {"send", users.get(0), "--to", String.join(",", users),
            "--subject", "proxy-sessions bench", "--text", body.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err), new ByteArrayInputStream(new byte[0]),
                Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString()));
        if (exit != 0) {
            throw new IllegalStateException("oauthmail send failed: " + err);
        }
        Files.writeString(home.resolve("sandbox-ready"), String.join(",", users) + "\n");
        System.out.println("sandbox ready: " + count + " account(s), IMAPS " + sandbox.imaps() + ", home " + home);
        stopped.await();
    }
}
