package io.oauthmail.server.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.oauthmail.account.Account;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The slow half of a proxy login, off the event loops: the local password's check, the account's token (a refresh
 * when due) and the upstream login's round trips, with the outcome handed back to the client connection's event
 * loop.
 *
 * <p>Two bounded pools. Checkers run {@link LoginCheck} (the address's turn, then one slow hash), so a guessing
 * storm queues there. Workers run upstream logins, each holding a thread only for its round trips (tens of
 * milliseconds against a nearby server), never for the session after it. A password known to be right skips the
 * checkers: however many guessers wait for their turn, the owner's programs never queue behind them.
 */
final class ProxyLogins implements AutoCloseable {

    /** Upstream logins under way at once; more wait their turn in order. */
    static final int WORKERS = 64;
    /** Password checks (turn and hash) under way at once. */
    static final int CHECKERS = 16;

    /** What became of a login; called on the client connection's event loop. */
    interface Outcome {
        /** An unknown name or a wrong password (logged and counted against the address by {@link LoginCheck}). */
        void refused();

        /** The password was right; the upstream login failed with {@code failure}. */
        void upstreamFailed(Account account, Exception failure);

        /** Logged in upstream: {@code link} is the authenticated connection. */
        void loggedIn(Account account, UpstreamLink link);
    }

    /** What became of a login again for a session that goes on (see {@link ImapSessionKeeper}); on the event loop. */
    interface Again {
        void ready(UpstreamLink link);

        void failed(Exception e);
    }

    /** A protocol's upstream login with one token, on a worker. */
    interface UpstreamLogin {
        UpstreamLink with(Account account, EventLoop loop, String token, SslContext tls) throws IOException;
    }

    private final Map<String, Account> accounts;
    private final LocalPasswords passwords;
    private final LoginCheck checks;
    private final Upstream upstream;
    private final ExecutorService checkers;
    private final ExecutorService workers;

    ProxyLogins(Map<String, Account> accounts, LocalPasswords passwords, Upstream upstream, String protocol) {
        this.accounts = Map.copyOf(accounts);
        this.passwords = passwords;
        this.checks = new LoginCheck(accounts, passwords, protocol);
        this.upstream = upstream;
        this.checkers = pool(CHECKERS, "oauthmail-" + protocol + "-check-");
        this.workers = pool(WORKERS, "oauthmail-" + protocol + "-login-");
    }

    private static ExecutorService pool(int size, String name) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, name + n.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true); // no logins, no threads
        return pool;
    }

    /** Checks the password ({@code from} is the client's address), logs in upstream and tells {@code outcome}. */
    void submit(String name, String password, InetAddress from, UpstreamLogin login, Channel client, Outcome outcome) {
        Account known = accounts.get(name);
        if (known != null && passwords.knownGood(name, password.toCharArray())) {
            workers.execute(() -> loginUpstream(known, login, client, outcome));
            return;
        }
        checkers.execute(() -> {
            Account account = checks.login(name, password, from);
            if (account == null) {
                client.eventLoop().execute(outcome::refused);
            } else {
                workers.execute(() -> loginUpstream(account, login, client, outcome));
            }
        });
    }

    private void loginUpstream(Account account, UpstreamLogin login, Channel client, Outcome outcome) {
        if (!client.isActive()) {
            return; // the client left while its login waited
        }
        loginOnWorker(account, login, client, link -> outcome.loggedIn(account, link),
                e -> outcome.upstreamFailed(account, e));
    }

    /** Logs {@code account} in upstream again for a client already logged in (no password: it gave it before). */
    void again(Account account, UpstreamLogin login, Channel client, Again outcome) {
        workers.execute(() -> loginOnWorker(account, login, client, outcome::ready, outcome::failed));
    }

    /**
     * The upstream login, on this worker; the outcome goes to the client's event loop. A connection that is up
     * when the client has already left is closed instead.
     */
    private void loginOnWorker(Account account, UpstreamLogin login, Channel client, Consumer<UpstreamLink> ready,
            Consumer<Exception> failed) {
        UpstreamLink link;
        try {
            link = upstream.login(account, (token, tls) -> login.with(account, client.eventLoop(), token, tls));
        } catch (Exception e) {
            client.eventLoop().execute(() -> failed.accept(e));
            return;
        }
        client.eventLoop().execute(() -> {
            if (client.isActive()) {
                ready.accept(link);
            } else {
                link.close();
            }
        });
    }

    @Override
    public void close() {
        checkers.shutdownNow();
        workers.shutdownNow();
    }
}
