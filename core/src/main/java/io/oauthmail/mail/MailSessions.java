package io.oauthmail.mail;

import io.oauthmail.account.Account;
import io.oauthmail.error.MailFailure;
import io.oauthmail.provider.MailServer;
import io.oauthmail.sasl.BearerSaslFactory;
import io.oauthmail.sasl.SaslFailure;
import io.oauthmail.token.TokenManager;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Provider;
import jakarta.mail.Service;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Jakarta Mail (Angus) connections for an account, authenticated with SASL XOAUTH2 and a token that
 * {@link TokenManager} keeps fresh. When a server refuses the token, one refresh is forced and the login
 * tried once more; a second refusal is reported, never looped on. Certificates are always verified
 * (JDK CAs plus the account's CA file), and STARTTLS is required where the server uses it.
 */
public final class MailSessions {

    private final TokenManager tokens;
    private final Duration timeout;
    private final MailProperties properties;
    private final Map<String, Session> composeSessions = new ConcurrentHashMap<>();

    private final java.io.PrintStream trace;

    public MailSessions(TokenManager tokens, Duration timeout) {
        this(tokens, timeout, null);
    }

    /**
     * With {@code trace}, every connection writes its protocol dialogue there (Jakarta Mail's debug output,
     * AUTH lines included): pass a {@link TraceRedactor#stream} unless the user asked to see secrets.
     */
    public MailSessions(TokenManager tokens, Duration timeout, java.io.PrintStream trace) {
        this.tokens = tokens;
        this.timeout = timeout;
        this.properties = new MailProperties(timeout);
        this.trace = trace;
        StreamProviderLookup.skipServiceScan();
    }

    /** An authenticated SMTP transport for {@code account}'s submission server. Close it when done. */
    public Transport smtp(Account account) {
        return smtpUntil(account).transport();
    }

    /** An SMTP connection and the time until which its login's token stays valid (minus the refresh margin). */
    public record SmtpConnection(Transport transport, java.time.Instant tokenValidUntil) {
    }

    /** Connects like {@link #smtp} and says how long the token behind the login holds. */
    public SmtpConnection smtpUntil(Account account) {
        Login<Transport> login = connect(account, MailProtocol.SMTP, SMTP_TRANSPORT);
        return new SmtpConnection(login.value(), login.tokenValidUntil());
    }

    public TokenManager tokens() {
        return tokens;
    }

    /** How a server answered one login attempt with a given token (see {@link #tryLogin}). */
    public record LoginAttempt(boolean accepted, SaslFailure challenge, String reply) {
        public java.util.Optional<SaslFailure> failureChallenge() {
            return java.util.Optional.ofNullable(challenge);
        }
    }

    /**
     * Logs in once with exactly {@code token}, bypassing the token manager (no refresh, no retry), and reports
     * how the server answered: for diagnostics and for showing what a wrong token gets.
     */
    public LoginAttempt tryLogin(Account account, MailProtocol protocol, String token) {
        MailServer server = MailProperties.server(account, protocol);
        AtomicReference<SaslFailure> failure = new AtomicReference<>();
        try {
            connectOnce(factoryFor(protocol), account, protocol, server, token, failure, new AtomicReference<>()).close();
            return new LoginAttempt(true, null, "");
        } catch (AuthenticationFailedException refused) {
            String reply = refused.getMessage() == null ? "" : refused.getMessage().trim();
            return new LoginAttempt(false, failure.get() != null ? failure.get() : SaslFailure.decode(reply).orElse(null), reply);
        } catch (MessagingException e) {
            throw LoginFailures.failed(account, protocol, server, e);
        }
    }

    /**
     * An authenticated POP3 store for {@code account}. Close it when done. Jakarta Mail's POP3 logs in with XOAUTH2
     * only: an account that forces OAUTHBEARER gets a failure saying so rather than a silent XOAUTH2 login.
     */
    public Store pop3(Account account) {
        if (forcesBearer(account)) {
            MailServer server = MailProperties.server(account, MailProtocol.POP3);
            throw new MailFailure("account " + account.name() + ": the POP3 server " + server.host() + ":" + server.port()
                    + " would be read with OAUTHBEARER (forced by the account's sasl setting), which Jakarta Mail's POP3"
                    + " client cannot do", "read over IMAP, or run oauthmail accounts add " + account.name()
                    + " again with --sasl xoauth2", null);
        }
        return connect(account, MailProtocol.POP3, POP3_STORE).value();
    }

    /** An authenticated IMAP store for {@code account}. Close it when done. */
    public Store imap(Account account) {
        return connect(account, MailProtocol.IMAP, IMAP_STORE).value();
    }

    /**
     * Logs in to {@code account}'s {@code protocol} server as every connection does (a refused token is refreshed
     * once and tried again), logs out, and returns the SASL mechanism that was used: for {@code oauthmail test}.
     */
    public String checkLogin(Account account, MailProtocol protocol) {
        if (protocol == MailProtocol.POP3 && forcesBearer(account)) {
            MailServer server = MailProperties.server(account, protocol);
            Pop3BearerLogin pop3 = new Pop3BearerLogin(server, properties.socketFactory(account), (int) timeout.toMillis(), trace);
            withFreshToken(account, protocol, server, (token, failure) -> {
                pop3.login(account.mailUser(), token, failure);
                return null;
            });
            return BearerSaslFactory.OAUTHBEARER;
        }
        Login<? extends Service> login = connect(account, protocol, factoryFor(protocol));
        // Jakarta Mail's POP3 has no SASL: it logs in with its own XOAUTH2, the only mechanism it is given
        String used = login.mechanism() != null ? login.mechanism() : BearerSaslFactory.XOAUTH2;
        try {
            login.value().close();
        } catch (MessagingException e) {
            // the login succeeded, which is what was checked; only the logout failed
        }
        return used;
    }

    private static boolean forcesBearer(Account account) {
        return account.saslMechanisms().equals(java.util.List.of(BearerSaslFactory.OAUTHBEARER));
    }

    private static ServiceFactory<? extends Service> factoryFor(MailProtocol protocol) {
        return switch (protocol) {
            case SMTP -> SMTP_TRANSPORT;
            case IMAP -> IMAP_STORE;
            case POP3 -> POP3_STORE;
        };
    }

    private static final ServiceFactory<Transport> SMTP_TRANSPORT = (session, name) -> session.getTransport(
            new Provider(Provider.Type.TRANSPORT, name, GuardedSmtpTransport.class.getName(), "oauthmail", "1"));
    // Jakarta Mail only instantiates store classes it has a Provider for: register the guarded one.
    private static final ServiceFactory<Store> IMAP_STORE = (session, name) -> session.getStore(
            new Provider(Provider.Type.STORE, name, GuardedImapStore.class.getName(), "oauthmail", "1"));
    private static final ServiceFactory<Store> POP3_STORE = (session, name) -> session.getStore(name);

    /**
     * The Jakarta Mail session for {@code account} and {@code protocol}, for composing messages. Kept per
     * account: a new Session reads every jar's provider list, which dominated sending when done per message.
     */
    public Session session(Account account, MailProtocol protocol) {
        return composeSessions.computeIfAbsent(account.name() + "/" + protocol,
                key -> Session.getInstance(properties.of(account, protocol, MailProperties.server(account, protocol))));
    }

    /**
     * A plain Jakarta Mail session for {@code account}'s {@code protocol} server, for code written against
     * Jakarta Mail: every connection made without a password ({@code Transport.send(message)},
     * {@code session.getStore().connect()}, a pool reconnecting) logs in with SASL XOAUTH2 or OAUTHBEARER and a
     * fresh token from the token manager (refreshed first when within the margin). Unlike {@link #smtp}, a token
     * the server refuses is not refreshed and tried again within the same connection.
     */
    public Session jakartaSession(Account account, MailProtocol protocol) {
        MailServer server = MailProperties.server(account, protocol);
        Properties props = properties.of(account, protocol, server);
        String name = protocol.jakartaName(server.tls());
        if (protocol == MailProtocol.SMTP) {
            props.put("mail.transport.protocol", name);
        } else {
            props.put("mail.store.protocol", name);
        }
        props.put("mail." + name + ".user", account.mailUser());
        // The SASL client asks for the token at every login: a Session caches the first connection's password
        // and would present that token again after it expired. The authenticator serves the first connection and
        // POP3, which logs in without SASL.
        props.put(BearerSaslFactory.TOKEN_SOURCE, (java.util.function.Supplier<String>) () -> tokens.accessToken(account));
        return Session.getInstance(props, new FreshTokenAuthenticator(tokens, account));
    }

    private interface ServiceFactory<S extends Service> {
        S create(Session session, String protocol) throws MessagingException;
    }

    /**
     * A login's result: the connected service (or what the login step returned), until when the token it used
     * stays valid (minus the refresh margin), and the SASL mechanism the server and account settled on (null
     * where Jakarta Mail logged in without SASL: POP3).
     */
    record Login<T>(T value, java.time.Instant tokenValidUntil, String mechanism) {
    }

    private <S extends Service> Login<S> connect(Account account, MailProtocol protocol, ServiceFactory<S> factory) {
        MailServer server = MailProperties.server(account, protocol);
        AtomicReference<String> mechanism = new AtomicReference<>(); // the SASL client reports it here
        Login<S> login = withFreshToken(account, protocol, server,
                (token, failure) -> connectOnce(factory, account, protocol, server, token, failure, mechanism));
        return new Login<>(login.value(), login.tokenValidUntil(), mechanism.get());
    }

    /** One login with a given token; a refusal is an {@link AuthenticationFailedException}. */
    private interface LoginStep<T> {
        T attempt(String token, AtomicReference<SaslFailure> failure) throws MessagingException;
    }

    /**
     * Runs {@code step} with the account's valid token and, if the server refuses it, once more with a refreshed
     * one. Not when the user name is not an e-mail address: the server refused the name, and a refresh would be
     * spent for nothing.
     */
    private <T> Login<T> withFreshToken(Account account, MailProtocol protocol, MailServer server, LoginStep<T> step) {
        io.oauthmail.account.TokenSet tokenSet = tokens.validTokens(account);
        String token = tokenSet.accessToken();
        AtomicReference<SaslFailure> failure = new AtomicReference<>();
        try {
            return new Login<>(step.attempt(token, failure), tokenSet.refreshDueAt(tokens.margin()), null);
        } catch (AuthenticationFailedException refused) {
            if (!account.hasAddress()) {
                throw LoginFailures.notAnAddress(account, protocol, server);
            }
            String fresh = tokens.tokenAfterRejection(account, token);
            java.time.Instant validUntil = tokens.peek(account).filter(t -> t.accessToken().equals(fresh))
                    .map(t -> t.refreshDueAt(tokens.margin())).orElse(java.time.Instant.now());
            failure.set(null);
            try {
                return new Login<>(step.attempt(fresh, failure), validUntil, null);
            } catch (AuthenticationFailedException again) {
                throw LoginFailures.refused(account, protocol, server, again, failure.get());
            } catch (MessagingException e) {
                throw LoginFailures.failed(account, protocol, server, e);
            }
        } catch (MessagingException e) {
            throw LoginFailures.failed(account, protocol, server, e);
        }
    }

    private <S extends Service> S connectOnce(ServiceFactory<S> factory, Account account, MailProtocol protocol,
            MailServer server, String token, AtomicReference<SaslFailure> failure, AtomicReference<String> mechanism)
            throws MessagingException {
        Properties props = properties.of(account, protocol, server);
        props.put(BearerSaslFactory.FAILURE, failure); // the SASL client reports the server's challenge here
        props.put(BearerSaslFactory.MECHANISM, mechanism); // and the mechanism it was created for
        Session session = Session.getInstance(props);
        if (trace != null) {
            props.put("mail.debug.auth", "true");
            session = Session.getInstance(props);
            session.setDebugOut(trace);
            session.setDebug(true);
        }
        S service = factory.create(session, protocol.jakartaName(server.tls()));
        service.connect(server.host(), server.port(), account.mailUser(), token);
        return service;
    }

}
