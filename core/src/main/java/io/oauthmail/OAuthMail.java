package io.oauthmail;

import io.oauthmail.account.Account;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.Config;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.mail.Email;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.SmtpPool;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.store.TokenStore;
import io.oauthmail.token.RefreshEvents;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * oauthmail in three lines, for Java programs:
 *
 * <pre>{@code
 * try (var mail = OAuthMail.fromConfig()) {   // the accounts set up with `oauthmail accounts add` and `login`
 *     mail.send("me@gmail.com", Email.to("you@example.com").subject("Hi").html("<b>Hello</b>"));
 * }
 * }</pre>
 *
 * Tokens are refreshed as needed (and shared safely with the CLI and the daemon through the same store). Sending
 * is thread-safe: each account keeps its SMTP connections open across sends until {@link #close()}, one for a
 * single thread, and up to {@link #connectionsPerAccount(int)} (default {@value #DEFAULT_CONNECTIONS}) when
 * threads send at the same time.
 */
public final class OAuthMail implements AutoCloseable {

    private final Map<String, Account> accounts;
    private final Config config;
    private final TokenManager tokens;
    private final MailSessions sessions;
    /** Gmail refuses more than about ten simultaneous SMTP sessions per user; four stays well clear of that. */
    public static final int DEFAULT_CONNECTIONS = 4;

    private final Map<String, SmtpPool> senders = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile int connectionsPerAccount = DEFAULT_CONNECTIONS;

    private OAuthMail(Config config, Map<String, Account> accounts, TokenManager tokens) {
        this.config = config;
        this.accounts = new HashMap<>(accounts);
        this.tokens = tokens;
        this.sessions = new MailSessions(tokens, Duration.ofSeconds(60));
    }

    /** The config file and token store of this user ({@code OAUTHMAIL_HOME} or the XDG folders). */
    public static OAuthMail fromConfig() {
        return fromEnvironment(System.getenv());
    }

    /** Like {@link #fromConfig()}, with the environment given explicitly (tests, embedding). */
    public static OAuthMail fromEnvironment(Map<String, String> env) {
        OAuthMailRuntime runtime = OAuthMailRuntime.fromEnvironment(env, null);
        return new OAuthMail(runtime.config(), Map.of(), runtime.tokenManager(RetryPolicy.DEFAULT, RefreshEvents.NONE));
    }

    /** Without a config file: the given accounts, with tokens in {@code store} (put there by a login flow). */
    public static OAuthMail of(TokenStore store, Account... accounts) {
        Map<String, Account> byName = new HashMap<>();
        for (Account account : accounts) {
            byName.put(account.name(), account);
        }
        // no config file: the token manager's defaults apply (as for a config without [tokens])
        return new OAuthMail(null, byName, new TokenManager(store, Clock.systemUTC()));
    }

    /**
     * Sends {@code email} from {@code account} over its SMTP server; returns the Message-ID. Safe to call from
     * many threads: the message is composed by the calling thread, then sent over one of the account's
     * connections (see {@link #connectionsPerAccount(int)}).
     */
    public String send(String account, Email email) {
        Account resolved = account(account);
        return senders.computeIfAbsent(resolved.name(), name -> new SmtpPool(sessions, connectionsPerAccount))
                .send(resolved, email);
    }

    /**
     * How many SMTP connections an account may have open when threads send at the same time (default
     * {@value #DEFAULT_CONNECTIONS}); applies to accounts that have not sent yet. Returns this.
     */
    public OAuthMail connectionsPerAccount(int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("connections per account must be at least 1, not " + connections);
        }
        this.connectionsPerAccount = connections;
        return this;
    }

    /** The account named {@code name}, from the accounts given or the config file. */
    public synchronized Account account(String name) {
        Account known = accounts.get(name);
        if (known != null) {
            return known;
        }
        if (config == null) {
            throw new OAuthMailException("no account named " + name, "pass it to OAuthMail.of(store, account)");
        }
        Account resolved = AccountResolver.withSecret(config.account(name).orElseThrow(() -> new OAuthMailException(
                "no account named " + name + " in " + config.file(),
                "add it with: oauthmail accounts add " + name + " --provider google|microsoft|generic --client-id ID")));
        accounts.put(name, resolved);
        return resolved;
    }

    /** Fresh access tokens, for protocols oauthmail does not speak itself. */
    public TokenManager tokens() {
        return tokens;
    }

    /** Jakarta Mail sessions, transports and stores authenticated with fresh tokens (IMAP reading, POP3). */
    public MailSessions sessions() {
        return sessions;
    }

    @Override
    public synchronized void close() {
        senders.values().forEach(SmtpPool::close);
        senders.clear();
    }
}
