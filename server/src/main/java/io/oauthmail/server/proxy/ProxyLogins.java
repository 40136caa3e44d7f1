package io.oauthmail.server.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.oauthmail.account.Account;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * The slow half of a proxy login, off the event loops: the local password's check (a slow hash the first time),
 * the account's token (a refresh when due) and the upstream login's round trips, on a bounded pool of workers,
 * with the outcome handed back to the client connection's event loop.
 *
 * <p>Sized for bursts: a mail client opening many sessions, or a thousand programs at once, each holding a worker
 * only for its login (tens of milliseconds against a nearby server), never for the session after it.
 */
final class ProxyLogins implements AutoCloseable {

    /** Logins under way at once; more wait their turn in order. */
    static final int WORKERS = 64;

    /** What became of a login; called on the client connection's event loop. */
    interface Outcome {
        /** An unknown name or a wrong password. */
        void refused();

        /** The password was right; the upstream login failed with {@code failure}. */
        void upstreamFailed(Account account, Exception failure);

        /** Logged in upstream: {@code link} is the authenticated connection. */
        void loggedIn(Account account, UpstreamLink link);
    }

    private final Map<String, Account> accounts;
    private final LocalPasswords passwords;
    private final Upstream upstream;
    private final ExecutorService workers;

    ProxyLogins(Map<String, Account> accounts, LocalPasswords passwords, Upstream upstream, String threadName) {
        this.accounts = Map.copyOf(accounts);
        this.passwords = passwords;
        this.upstream = upstream;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, threadName + "-login-" + n.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true); // no logins, no threads
        this.workers = pool;
    }

    /** The account {@code name} logs in to with {@code password}, or null: an unknown name or a wrong password. */
    Account check(String name, String password) {
        Account account = accounts.get(name);
        return account != null && passwords.verify(account.name(), password.toCharArray()) ? account : null;
    }

    /** A protocol's upstream login with one token, on a login worker. */
    interface UpstreamLogin {
        UpstreamLink with(Account account, EventLoop loop, String token, SSLContext tls) throws IOException;
    }

    void submit(String name, String password, UpstreamLogin login, Channel client, Outcome outcome) {
        workers.execute(() -> {
            Account account = check(name, password);
            if (account == null) {
                client.eventLoop().execute(outcome::refused);
                return;
            }
            UpstreamLink link;
            try {
                link = upstream.login(account, (token, tls) -> login.with(account, client.eventLoop(), token, tls));
            } catch (Exception e) {
                client.eventLoop().execute(() -> outcome.upstreamFailed(account, e));
                return;
            }
            client.eventLoop().execute(() -> {
                if (client.isActive()) {
                    outcome.loggedIn(account, link);
                } else {
                    link.close(); // the client left during the login
                }
            });
        });
    }

    /** What became of a login again for a session that goes on (see {@link ImapSessionKeeper}); on the event loop. */
    interface Again {
        void ready(UpstreamLink link);

        void failed(Exception e);
    }

    /** Logs {@code account} in upstream again for a client already logged in (no password: it gave it before). */
    void again(Account account, UpstreamLogin login, Channel client, Again outcome) {
        workers.execute(() -> {
            UpstreamLink link;
            try {
                link = upstream.login(account, (token, tls) -> login.with(account, client.eventLoop(), token, tls));
            } catch (Exception e) {
                client.eventLoop().execute(() -> outcome.failed(e));
                return;
            }
            client.eventLoop().execute(() -> {
                if (client.isActive()) {
                    outcome.ready(link);
                } else {
                    link.close();
                }
            });
        });
    }

    /** The client's IP address, as logs and throttles name it. */
    static String address(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress address ? address.getAddress().getHostAddress() : "?";
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
