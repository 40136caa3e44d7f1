package io.oauthmail.mail;

import io.oauthmail.MailFailure;
import io.oauthmail.OAuthMailException;
import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.TlsMode;
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
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSocketFactory;
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
    /**
     * TLS socket factories by extra CA file: building one reads the file and copies the JDK's trust store,
     * far too slow to do per message (measured: it capped a one-connection sender at ~90 messages/s).
     */
    private final Map<Optional<Path>, SSLSocketFactory> socketFactories = new ConcurrentHashMap<>();
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
        java.time.Instant[] until = new java.time.Instant[1];
        Transport transport = connect(account, MailProtocol.SMTP, (session, protocol) -> session.getTransport(protocol), until);
        return new SmtpConnection(transport, until[0]);
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
        MailServer server = server(account, protocol);
        AtomicReference<SaslFailure> failure = new AtomicReference<>();
        ServiceFactory<Service> factory = protocol == MailProtocol.SMTP
                ? (session, name) -> session.getTransport(name)
                : (session, name) -> session.getStore(name);
        try {
            connectOnce(factory, account, protocol, server, token, failure).close();
            return new LoginAttempt(true, null, "");
        } catch (AuthenticationFailedException refused) {
            String reply = refused.getMessage() == null ? "" : refused.getMessage().trim();
            return new LoginAttempt(false, failure.get() != null ? failure.get() : SaslFailure.decode(reply).orElse(null), reply);
        } catch (MessagingException e) {
            throw failed(account, protocol, server, e);
        }
    }

    /** An authenticated POP3 store for {@code account}. Close it when done. */
    public Store pop3(Account account) {
        return connect(account, MailProtocol.POP3, (session, protocol) -> session.getStore(protocol));
    }

    /** An authenticated IMAP store for {@code account}. Close it when done. */
    public Store imap(Account account) {
        // Jakarta Mail only instantiates store classes it has a Provider for: register the guarded one.
        return connect(account, MailProtocol.IMAP, (session, protocol) -> session.getStore(new Provider(
                Provider.Type.STORE, protocol, GuardedImapStore.class.getName(), "oauthmail", "1")));
    }

    /**
     * The Jakarta Mail session for {@code account} and {@code protocol}, for composing messages. Kept per
     * account: a new Session reads every jar's provider list, which dominated sending when done per message.
     */
    public Session session(Account account, MailProtocol protocol) {
        return composeSessions.computeIfAbsent(account.name() + "/" + protocol,
                key -> Session.getInstance(properties(account, protocol, server(account, protocol))));
    }

    private interface ServiceFactory<S extends Service> {
        S create(Session session, String protocol) throws MessagingException;
    }

    private <S extends Service> S connect(Account account, MailProtocol protocol, ServiceFactory<S> factory) {
        return connect(account, protocol, factory, new java.time.Instant[1]);
    }

    private <S extends Service> S connect(Account account, MailProtocol protocol, ServiceFactory<S> factory,
            java.time.Instant[] validUntil) {
        MailServer server = server(account, protocol);
        io.oauthmail.token.TokenSet tokenSet = tokens.validTokens(account);
        validUntil[0] = tokenSet.refreshDueAt(tokens.margin());
        String token = tokenSet.accessToken();
        AtomicReference<SaslFailure> failure = new AtomicReference<>();
        try {
            return connectOnce(factory, account, protocol, server, token, failure);
        } catch (AuthenticationFailedException refused) {
            String fresh = tokens.tokenAfterRejection(account, token);
            validUntil[0] = tokens.peek(account).filter(t -> t.accessToken().equals(fresh))
                    .map(t -> t.refreshDueAt(tokens.margin())).orElse(java.time.Instant.now());
            failure.set(null);
            try {
                return connectOnce(factory, account, protocol, server, fresh, failure);
            } catch (AuthenticationFailedException again) {
                throw refused(account, protocol, server, again, failure.get());
            } catch (MessagingException e) {
                throw failed(account, protocol, server, e);
            }
        } catch (MessagingException e) {
            throw failed(account, protocol, server, e);
        }
    }

    private <S extends Service> S connectOnce(ServiceFactory<S> factory, Account account, MailProtocol protocol,
            MailServer server, String token, AtomicReference<SaslFailure> failure) throws MessagingException {
        Properties props = properties(account, protocol, server);
        props.put(BearerSaslFactory.FAILURE, failure); // the SASL client reports the server's challenge here
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

    Properties properties(Account account, MailProtocol protocol, MailServer server) {
        String p = protocol.jakartaName(server.tls());
        Properties props = new Properties();
        props.put("mail." + p + ".host", server.host());
        props.put("mail." + p + ".port", String.valueOf(server.port()));
        if (protocol == MailProtocol.POP3) {
            // Jakarta Mail's POP3 has no SASL: its own XOAUTH2 only (Microsoft wants the token on a second line).
            props.put("mail." + p + ".auth.mechanisms", "XOAUTH2");
            props.put("mail." + p + ".auth.xoauth2.two.line.authentication.format",
                    String.valueOf(server.host().endsWith("office365.com") || server.host().endsWith("outlook.com")));
        } else {
            // SMTP and IMAP go through SASL with oauthmail's XOAUTH2 and OAUTHBEARER clients: the server's
            // capabilities choose among the account's mechanisms, and a failure challenge is answered properly.
            BearerSaslFactory.install();
            props.put("mail." + p + ".sasl.enable", "true");
            props.put("mail." + p + ".sasl.mechanisms", String.join(" ", account.saslMechanisms()));
            props.put("mail." + p + ".sasl.usecanonicalhostname", "false");
            props.put(BearerSaslFactory.PORT, String.valueOf(server.port()));
            props.put("mail." + p + ".auth.mechanisms", "XOAUTH2"); // Angus's own, if SASL is unavailable
        }
        props.put("mail." + p + ".auth.login.disable", "true");
        props.put("mail." + p + ".auth.plain.disable", "true");
        props.put("mail." + p + ".auth.ntlm.disable", "true");
        props.put("mail." + p + ".connectiontimeout", String.valueOf(timeout.toMillis()));
        props.put("mail." + p + ".timeout", String.valueOf(timeout.toMillis()));
        props.put("mail." + p + ".writetimeout", String.valueOf(timeout.toMillis()));
        if (server.tls() != TlsMode.PLAIN) {
            props.put("mail." + p + ".ssl.socketFactory",
                    socketFactories.computeIfAbsent(account.ca(), ca -> TlsTrust.socketFactory(ca.orElse(null))));
            props.put("mail." + p + ".ssl.checkserveridentity", "true");
        }
        if (server.tls() == TlsMode.STARTTLS) {
            props.put("mail." + p + ".starttls.enable", "true");
            props.put("mail." + p + ".starttls.required", "true");
        }
        if (protocol == MailProtocol.SMTP) {
            props.put("mail." + p + ".auth", "true");
            props.put("mail.transport.protocol", p);
        }
        return props;
    }

    private static MailServer server(Account account, MailProtocol protocol) {
        return protocol.serverOf(account).orElseThrow(() -> new OAuthMailException(
                "account " + account.name() + " has no " + protocol + " server configured",
                "set one with: oauthmail accounts add " + account.name() + " --" + protocol.name().toLowerCase(java.util.Locale.ROOT)
                        + " HOST:PORT"));
    }

    private static MailFailure refused(Account account, MailProtocol protocol, MailServer server,
            AuthenticationFailedException e, SaslFailure challenge) {
        String reply = e.getMessage() == null ? "" : e.getMessage().trim();
        String why = challenge != null ? challenge.diagnosis() + " (challenge " + challenge + ")"
                : SaslFailure.decode(reply).map(SaslFailure::diagnosis)
                        .orElse("the server answered: " + ServerReplies.hint(reply));
        return new MailFailure("account " + account.name() + ": " + protocol + " server " + server.host() + ":"
                + server.port() + " refused the token even after a refresh: " + why,
                "if this persists, run: " + account.loginCommand(), null);
    }

    private static MailFailure failed(Account account, MailProtocol protocol, MailServer server, MessagingException e) {
        String message = "account " + account.name() + ": cannot connect to the " + protocol + " server "
                + server.host() + ":" + server.port() + ": " + MailErrors.describe(e);
        MailFailure failure = new MailFailure(message, MailErrors.hint(e), e);
        if (!failure.networkTrouble()) {
            return failure;
        }
        // Nothing answered: either the address in the config is wrong or the network is; say how to tell which.
        return new MailFailure(message, "check the address (oauthmail accounts show " + account.name()
                + ") and that " + server.host() + ":" + server.port() + " is reachable from here (e.g. nc -vz "
                + server.host() + " " + server.port() + "), then try again", e);
    }
}
