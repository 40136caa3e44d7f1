package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.oauthmail.account.Account;
import io.oauthmail.mail.Email;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.SmtpSender;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The sandbox, alice and bob logged in, a local password for each, and all three proxies in front: what the
 * end-to-end proxy tests share. Also runs the external clients (python3, curl) they drive.
 */
final class ProxyFixture implements AutoCloseable {

    static final String PASSWORD = "local proxy password";
    static final String ALICE = "alice@sandbox.test";
    static final String BOB = "bob@sandbox.test";

    final Sandbox sandbox;
    /** The token manager's clock: a test moves it to make the stored tokens expire without waiting. */
    final ShiftedClock clock = new ShiftedClock();
    final TokenManager tokens;
    final Map<String, Account> accounts = new HashMap<>();
    final SmtpProxy smtp;
    final ImapProxy imap;
    final Pop3Proxy pop3;

    /** {@code extra} accounts (name to account) are logged in as their mail user and served too. */
    ProxyFixture(Sandbox sandbox, Path dir, Duration tokenMargin, int maxConnections, Map<String, Account> extra)
            throws IOException {
        this.sandbox = sandbox;
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir.resolve("tokens"));
        LocalPasswords passwords = new LocalPasswords(dir.resolve("local-passwords"));
        accounts.put(ALICE, SandboxAccounts.account(sandbox, ALICE));
        accounts.put(BOB, SandboxAccounts.account(sandbox, BOB));
        accounts.putAll(extra);
        for (Account account : accounts.values()) {
            store.save(account.name(), SandboxLogins.login(sandbox, account).tokens());
            passwords.set(account.name(), PASSWORD.toCharArray());
        }
        tokens = new TokenManager(store, clock, tokenMargin, Duration.ofSeconds(10), RetryPolicy.DEFAULT,
                Sleeper.SYSTEM);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        smtp = SmtpProxy.start(loopback, accounts, passwords, tokens, maxConnections);
        imap = ImapProxy.start(loopback, accounts, passwords, tokens, maxConnections);
        pop3 = Pop3Proxy.start(loopback, accounts, passwords, tokens, maxConnections);
    }

    static ProxyFixture start(Path dir) throws IOException {
        return new ProxyFixture(Sandbox.start(), dir, TokenManager.DEFAULT_MARGIN, 50, Map.of());
    }

    /** Alice sends bob a message straight to the sandbox (not through a proxy). */
    void aliceSendsBob(String subject, String text) {
        try (SmtpSender sender = new SmtpSender(new MailSessions(tokens, Duration.ofSeconds(10)))) {
            sender.send(accounts.get(ALICE), Email.to(BOB).subject(subject).text(text));
        }
    }

    /** Runs an external client to completion; its output (stdout and stderr). Skips the test if the tool is missing. */
    static String run(List<String> command) throws IOException, InterruptedException {
        assumeTrue(installed(command.get(0)), command.get(0) + " is not installed");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command.get(0)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    /** Runs a python3 script with the arguments as sys.argv[1:]. */
    static String python(String script, Object... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", "-c", script));
        for (Object argument : arguments) {
            command.add(String.valueOf(argument));
        }
        return run(command);
    }

    static boolean installed(String tool) {
        try {
            Process probe = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A hand-driven protocol session with a proxy, for what no client library shows. */
    static final class Raw implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Raw(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(20_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        void send(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        String line() throws IOException {
            return in.readLine();
        }

        /** Lines up to and including the first that starts with {@code prefix}. */
        List<String> until(String prefix) throws IOException {
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                if (line.startsWith(prefix)) {
                    return lines;
                }
            }
            throw new IOException("closed before " + prefix + ": " + lines);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Override
    public void close() {
        smtp.close();
        imap.close();
        pop3.close();
        sandbox.close();
    }
}
