package io.oauthmail.server.proxy;

import io.oauthmail.OAuthMailException;
import io.oauthmail.account.Account;
import io.oauthmail.mail.TlsTrust;
import io.oauthmail.provider.MailServer;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local SMTP server for programs that cannot speak OAuth: they log in with {@code AUTH PLAIN} or
 * {@code AUTH LOGIN}, the account's name and its local password; the proxy then logs in to the account's real
 * server with a fresh token (XOAUTH2 or OAUTHBEARER) and relays the bytes both ways. Nothing goes upstream
 * before the local login succeeded: the proxy is never an open relay. Failed logins are slowed down and
 * limited; lines are limited in length, connections in number.
 */
public final class SmtpProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpProxy.class);
    private static final int MAX_FAILED_LOGINS = 3;
    private static final int PRE_AUTH_TIMEOUT_MILLIS = 5 * 60_000;

    private final ServerSocket listener;
    private final Map<String, Account> accounts;
    private final LocalPasswords passwords;
    private final TokenManager tokens;
    private final ExecutorService threads;
    private final Semaphore slots;
    private final AtomicInteger upstreamLogins = new AtomicInteger();
    private final Map<java.util.Optional<java.nio.file.Path>, javax.net.ssl.SSLSocketFactory> tls =
            new java.util.concurrent.ConcurrentHashMap<>(); // built once per CA: building copies the trust store

    private SmtpProxy(ServerSocket listener, Map<String, Account> accounts, LocalPasswords passwords, TokenManager tokens,
            int maxConnections) {
        this.listener = listener;
        this.accounts = Map.copyOf(accounts);
        this.passwords = passwords;
        this.tokens = tokens;
        this.slots = new Semaphore(maxConnections);
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "oauthmail-smtp-proxy");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Listens on {@code address} (use 127.0.0.1: a wider address needs local TLS, which comes next). */
    public static SmtpProxy start(InetSocketAddress address, Map<String, Account> accounts, LocalPasswords passwords,
            TokenManager tokens, int maxConnections) throws IOException {
        if (!address.getAddress().isLoopbackAddress()) {
            throw new OAuthMailException("the proxy listens on loopback only (asked for " + address + ")",
                    "use 127.0.0.1: serving other hosts needs local TLS, which oauthmail does not offer yet");
        }
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(address, 50);
        SmtpProxy proxy = new SmtpProxy(listener, accounts, passwords, tokens, maxConnections);
        proxy.threads.execute(proxy::acceptLoop);
        return proxy;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Successful upstream logins so far: tests use it to prove a bad local login never reached upstream. */
    public int upstreamLogins() {
        return upstreamLogins.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (!slots.tryAcquire()) {
                    Lines.write(client.getOutputStream(), "421 4.7.0 too many connections, try again later");
                    client.close();
                    continue;
                }
                threads.execute(() -> {
                    try (client) {
                        session(client);
                    } catch (IOException e) {
                        LOG.debug("SMTP proxy session ended: {}", e.getMessage());
                    } finally {
                        slots.release();
                    }
                });
            } catch (IOException e) {
                // closed, or one accept failed: the loop condition decides
            }
        }
    }

    private void session(Socket client) throws IOException {
        client.setSoTimeout(PRE_AUTH_TIMEOUT_MILLIS);
        client.setTcpNoDelay(true);
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        Lines.write(out, "220 localhost oauthmail SMTP proxy ready");
        int failed = 0;
        String line;
        while ((line = Lines.read(in)) != null) {
            String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line.toUpperCase(java.util.Locale.ROOT);
            switch (verb) {
                case "EHLO" -> {
                    Lines.write(out, "250-localhost oauthmail SMTP proxy");
                    Lines.write(out, "250 AUTH PLAIN LOGIN");
                }
                case "HELO" -> Lines.write(out, "250 localhost");
                case "NOOP" -> Lines.write(out, "250 2.0.0 OK");
                case "RSET" -> Lines.write(out, "250 2.0.0 OK");
                case "QUIT" -> {
                    Lines.write(out, "221 2.0.0 bye");
                    return;
                }
                case "AUTH" -> {
                    String[] credentials = LocalLogin.read(line, in, out);
                    Account account = credentials == null ? null : accounts.get(credentials[0]);
                    if (account != null && passwords.verify(account.name(), credentials[1].toCharArray())) {
                        relay(client, account);
                        return;
                    }
                    failed++;
                    pause(1000L * failed); // slow down guessing; every failure costs the guesser more
                    Lines.write(out, "535 5.7.8 authentication failed");
                    if (failed >= MAX_FAILED_LOGINS) {
                        Lines.write(out, "421 4.7.0 too many failed logins");
                        return;
                    }
                }
                case "MAIL", "RCPT", "DATA", "BDAT" -> Lines.write(out, "530 5.7.0 log in first (AUTH PLAIN or AUTH LOGIN)");
                default -> Lines.write(out, "502 5.5.2 command not recognised before login");
            }
        }
    }

    /** Logs in upstream with a fresh token (one forced refresh if refused), tells the client, relays the bytes. */
    private void relay(Socket client, Account account) throws IOException {
        MailServer server = account.provider().smtp();
        Socket upstream;
        try {
            upstream = loginUpstream(account, server);
        } catch (UpstreamSmtp.Refused e) {
            Lines.write(client.getOutputStream(), "454 4.7.0 the server refused " + account.name() + "'s token: " + e.getMessage());
            return;
        } catch (IOException | RuntimeException e) {
            Lines.write(client.getOutputStream(), "454 4.4.0 cannot reach " + server + " for now: " + e.getMessage());
            return;
        }
        upstreamLogins.incrementAndGet();
        client.setSoTimeout(0);
        Lines.write(client.getOutputStream(), "235 2.7.0 authenticated");
        try (upstream) {
            Relay.both(client, upstream, threads);
        }
    }

    private Socket loginUpstream(Account account, MailServer server) throws IOException {
        String token = tokens.accessToken(account);
        javax.net.ssl.SSLSocketFactory factory = tls.computeIfAbsent(account.ca(), ca -> TlsTrust.socketFactory(ca.orElse(null)));
        try {
            return UpstreamSmtp.login(account, server, token, factory, 30_000);
        } catch (UpstreamSmtp.Refused refused) {
            String fresh = tokens.tokenAfterRejection(account, token);
            return UpstreamSmtp.login(account, server, fresh, factory, 30_000);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
