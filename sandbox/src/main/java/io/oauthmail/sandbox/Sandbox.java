package io.oauthmail.sandbox;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.UserImpl;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Everything oauthmail talks to, in this process, on free loopback ports, with no Google account and no
 * network: an OAuth 2.0 / OpenID Connect server and a mail server (SMTP submission with STARTTLS, SMTPS,
 * IMAPS, POP3S) whose TLS certificates come from a CA made for this sandbox and which accept a login only
 * with a token the OAuth server issued, unexpired, with the mail scope, for the same user.
 *
 * <pre>{@code
 * try (Sandbox sandbox = Sandbox.start()) {
 *     URI authorize = sandbox.authorizationEndpoint();
 *     Sandbox.Endpoint imaps = sandbox.imaps();
 * }
 * }</pre>
 */
public final class Sandbox implements AutoCloseable {

    /** The scope the sandbox's mail servers require, the same as Gmail's. */
    public static final String MAIL_SCOPE = "https://mail.google.com/";
    /** The public client registered in the sandbox (any client ID is accepted; this one is conventional). */
    public static final String CLIENT_ID = "oauthmail-sandbox";
    public static final List<String> DEFAULT_USERS = List.of("alice@sandbox.test", "bob@sandbox.test");

    /** A mail server address. */
    public record Endpoint(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private final TestCertificateAuthority ca;
    private final Path caFile;
    private final SandboxOAuthServer oauth;
    private final GreenMail greenMail;
    private final List<String> users;
    private final List<AutoCloseable> fronts;
    private final TlsFront smtps;
    private final TlsFront imaps;
    private final TlsFront pop3s;
    private final SubmissionServer submission;
    private final ImapTokenExpiry imapTokenExpiry = new ImapTokenExpiry();

    private Sandbox(Builder builder) throws IOException {
        List<AutoCloseable> started = new ArrayList<>();
        started.add(imapTokenExpiry);
        try {
            this.ca = TestCertificateAuthority.create("oauthmail sandbox");
            this.caFile = ca.writeCaCertificate(Files.createTempFile("oauthmail-sandbox-ca-", ".pem"));
            this.oauth = SandboxOAuthServer.start(builder.accessTokenLifetime,
                    new DeviceGrants(builder.clock, builder.deviceCodeLifetime, builder.deviceCodeInterval),
                    builder.refreshTokenReuse);
            started.add(oauth);
            AccessTokenVerifier verifier = new AccessTokenVerifier(oauth.issuer().toString(),
                    oauth.jwksUri().toURL(), MAIL_SCOPE, oauth.sessions());

            this.greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3)});
            greenMail.start();
            started.add(greenMail::stop);
            // Idle limits of real servers, not GreenMail's 30 s (which ended idle IMAP sessions, IDLE included, in
            // under a minute): IMAP's autologout is at least 30 minutes (RFC 9051 5.4), POP3's 10 (RFC 1939 3),
            // an SMTP server waits 5 minutes for a command (RFC 5321 4.5.3.2.7). Sockets accepted from now on.
            greenMail.getImap().setClientSocketTimeout((int) Duration.ofMinutes(30).toMillis());
            greenMail.getPop3().setClientSocketTimeout((int) Duration.ofMinutes(10).toMillis());
            greenMail.getSmtp().setClientSocketTimeout((int) Duration.ofMinutes(5).toMillis());
            for (String user : builder.users) {
                // The password is random and never used: the token validator decides every login.
                GreenMailUser mailbox = greenMail.setUser(user, user, randomPassword());
                // Without a validator GreenMail would compare the token with the password: not good enough.
                ((UserImpl) mailbox).setTokenValidator(token -> verifier.verify(token, user).accepted());
            }

            SSLContext tls = ca.serverContext();
            this.users = builder.users;
            this.smtps = TlsFront.start(tls, greenMail.getSmtp().getPort(), "sandbox-smtps");
            started.add(smtps);
            this.imaps = TlsFront.start(tls, greenMail.getImap().getPort(), "sandbox-imaps", imapTokenExpiry::open);
            started.add(imaps);
            this.pop3s = TlsFront.start(tls, greenMail.getPop3().getPort(), "sandbox-pop3s");
            started.add(pop3s);
            this.submission = SubmissionServer.start(tls, verifier, greenMail.getUserManager(), MAIL_SCOPE);
            started.add(submission);
            this.fronts = List.copyOf(started);
        } catch (IOException | RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    /** Starts a sandbox with the default users ({@code alice@sandbox.test}, {@code bob@sandbox.test}). */
    public static Sandbox start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public URI issuer() {
        return oauth.issuer();
    }

    public URI discoveryUri() {
        return oauth.discoveryUri();
    }

    public URI authorizationEndpoint() {
        return oauth.authorizationEndpoint();
    }

    public URI tokenEndpoint() {
        return oauth.tokenEndpoint();
    }

    /**
     * The device authorization endpoint (RFC 8628): POST {@code client_id} and {@code scope}, get a device code,
     * a user code and the verification URI. The device then polls {@link #tokenEndpoint()} with
     * {@code grant_type=urn:ietf:params:oauth:grant-type:device_code}; once a person approves the user code
     * (see {@link SandboxBrowser#approveDevice}), it gets ordinary sandbox tokens.
     */
    public URI deviceAuthorizationEndpoint() {
        return oauth.deviceAuthorizationEndpoint();
    }

    /** The page where a person enters a device's user code and logs in (the {@code verification_uri}). */
    public URI deviceVerificationUri() {
        return oauth.deviceVerificationUri();
    }

    public URI revocationEndpoint() {
        return oauth.revocationEndpoint();
    }

    public URI userInfoEndpoint() {
        return oauth.userInfoEndpoint();
    }

    public URI jwksUri() {
        return oauth.jwksUri();
    }

    /** SMTP submission with STARTTLS required, like smtp.gmail.com:587. */
    public Endpoint submission() {
        return new Endpoint("127.0.0.1", submission.port());
    }

    /** How many logins the submission port has accepted: one connection carrying many messages logs in once. */
    public int submissionLogins() {
        return submission.logins();
    }

    /** A recipient address that makes the submission port drop the connection in the middle of DATA. */
    public static String dropDuringDataRecipient() {
        return SubmissionServer.DROP_DURING_DATA;
    }

    /** SMTP over implicit TLS, like smtp.gmail.com:465. */
    public Endpoint smtps() {
        return new Endpoint("127.0.0.1", smtps.port());
    }

    public Endpoint imaps() {
        return new Endpoint("127.0.0.1", imaps.port());
    }

    public Endpoint pop3s() {
        return new Endpoint("127.0.0.1", pop3s.port());
    }

    /** The sandbox CA's certificate in PEM: what a client passes as {@code --ca-file}. */
    public Path caFile() {
        return caFile;
    }

    /** A TLS context trusting only the sandbox CA, for tests that talk to the servers without oauthmail. */
    public SSLContext clientTlsContext() {
        return ca.clientContext();
    }

    public List<String> users() {
        return users;
    }

    /** The automated person at the browser who approves authorization requests. */
    public SandboxBrowser browser() {
        return new SandboxBrowser();
    }

    /**
     * How many token-endpoint requests used this grant type (e.g. {@code refresh_token}) so far. Approving a
     * device's user code counts one {@code authorization_code} request: the login the sandbox runs for it.
     */
    public int tokenRequests(String grantType) {
        return oauth.tokenRequests(grantType);
    }

    /**
     * Ends every session of {@code user} at the OAuth server, as an administrator, the user ("sign out
     * everywhere") or a revoked grant would: the sessions' refresh tokens get {@code invalid_grant} "Session not
     * active", and the mail servers refuse every access token the sessions issued, expired or not.
     *
     * @return how many live sessions were ended
     */
    public int endSessions(String user) {
        return oauth.sessions().endSessions(user);
    }

    /** The switches that make the submission port refuse messages or recipients, and what it took byte for byte. */
    public SubmissionFaults submissionFaults() {
        return submission.faults();
    }

    /** The switches that make the token endpoint hang, answer late, lose its answer or answer 503. */
    public TokenEndpointFaults tokenEndpointFaults() {
        return oauth.faults();
    }

    /**
     * How many HTTP POSTs reached the token endpoint, as the wire saw them: faulted ones and a client's silent
     * re-sends included. {@link #tokenRequests} counts what the OAuth server processed instead.
     */
    public int tokenEndpointPosts() {
        return oauth.tokenEndpointPosts();
    }

    /** Every POST that reached the token endpoint so far, in arrival order, with when (and whether) it was answered. */
    public List<TokenEndpointPost> tokenEndpointAnswers() {
        return oauth.tokenEndpointAnswers();
    }

    /** Changes the lifetime of access tokens issued from now on (whole seconds); {@code expires_in} follows. */
    public void setAccessTokenLifetime(Duration lifetime) {
        oauth.setAccessTokenLifetime(lifetime);
    }

    /**
     * Signs an access token directly, with no flow: for tests of what the servers refuse (an expired token,
     * another user's, one without the mail scope). A negative lifetime gives a token that has already expired.
     */
    public String issueAccessToken(String user, String scope, Duration lifetime) {
        return oauth.issueToken(user, scope, lifetime);
    }

    /**
     * Ends every open IMAPS, POP3S and SMTPS session by dropping its connection, with no BYE: a network failure,
     * or a provider ending a session abruptly. (For IMAP sessions ended at their token's expiry, with the
     * providers' BYE, see {@link #setImapSessionExpiry}.) The submission port is not affected. Returns how many
     * sessions were ended.
     */
    public int dropMailSessions() {
        return imaps.dropSessions() + pop3s.dropSessions() + smtps.dropSessions();
    }

    /**
     * Makes the IMAPS server end a session when the access token it authenticated with (AUTHENTICATE XOAUTH2 or
     * OAUTHBEARER) expires, as Gmail or Exchange Online do (see {@link ImapSessionExpiry} for each one's BYE and
     * when it comes; {@link ImapSessionExpiry#NEVER}, the default, lets sessions outlive their tokens). The BYE
     * never lands inside a response, and the connection closes after it. Applies to IMAPS connections opened from
     * now on; POP3S, SMTPS and submission are not affected (no provider is known to end those at expiry).
     */
    public void setImapSessionExpiry(ImapSessionExpiry expiry) {
        imapTokenExpiry.policy(expiry);
    }

    /**
     * Puts {@code message} straight into {@code user}'s INBOX, as if it had just arrived: a session in IDLE on
     * that INBOX hears {@code * n EXISTS}. Needs no token (the submission port is the way in that does).
     */
    public void deliver(String user, MimeMessage message) {
        GreenMailUser mailbox = greenMail.getUserManager().getUserByEmail(user);
        if (mailbox == null) {
            throw new IllegalArgumentException("no such user in the sandbox: " + user);
        }
        mailbox.deliver(message);
    }

    /** Every message the mail server holds, in every mailbox. */
    public List<MimeMessage> receivedMessages() {
        return List.of(greenMail.getReceivedMessages());
    }

    @Override
    public void close() {
        closeAll(new ArrayList<>(fronts));
        try {
            Files.deleteIfExists(caFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeAll(List<AutoCloseable> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception ignored) {
                // keep closing the rest
            }
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Options: users, access-token lifetime, refresh-token reuse, and the device grant's timing. */
    public static final class Builder {
        private List<String> users = DEFAULT_USERS;
        private Duration accessTokenLifetime = Duration.ofHours(1);
        private RefreshTokenReuse refreshTokenReuse = RefreshTokenReuse.ENDS_SESSION;
        private Duration deviceCodeLifetime = Duration.ofMinutes(15);
        private Duration deviceCodeInterval = Duration.ofSeconds(5);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder users(List<String> users) {
            if (users.isEmpty()) {
                throw new IllegalArgumentException("the sandbox needs at least one user");
            }
            this.users = List.copyOf(users);
            return this;
        }

        /** How long issued access tokens live, in whole seconds (default one hour, as at Google). */
        public Builder accessTokenLifetime(Duration lifetime) {
            this.accessTokenLifetime = positive(lifetime, "access token lifetime");
            return this;
        }

        /**
         * What a reused refresh token does: by default ({@link RefreshTokenReuse#ENDS_SESSION}) it ends the whole
         * session, as at Keycloak, Okta and Auth0; a test that needs the old, forgiving behaviour opts out here.
         */
        public Builder refreshTokenReuse(RefreshTokenReuse reuse) {
            this.refreshTokenReuse = java.util.Objects.requireNonNull(reuse, "reuse");
            return this;
        }

        /** How long a device code waits for approval (default 15 minutes, as at Microsoft). */
        public Builder deviceCodeLifetime(Duration lifetime) {
            this.deviceCodeLifetime = positive(lifetime, "device code lifetime");
            return this;
        }

        /**
         * The polling interval the device authorization endpoint announces and enforces (default 5 s, the
         * RFC 8628 default): a poll sooner than this after the previous one gets {@code slow_down}, and the
         * interval grows by 5 s, as the RFC tells the client to do.
         */
        public Builder deviceCodeInterval(Duration interval) {
            this.deviceCodeInterval = positive(interval, "device code interval");
            return this;
        }

        /**
         * The clock of the device grant (when codes expire, whether a device polls too fast): a test shares
         * its fake clock with the client, so nothing has to wait. Issued tokens keep real time, because the
         * mail servers check them against it.
         */
        public Builder clock(Clock clock) {
            this.clock = java.util.Objects.requireNonNull(clock, "clock");
            return this;
        }

        private static Duration positive(Duration value, String what) {
            if (value.isNegative() || value.isZero() || value.toMillis() % 1000 != 0) {
                throw new IllegalArgumentException(what + " must be a positive number of whole seconds: " + value);
            }
            return value;
        }

        public Sandbox start() {
            try {
                return new Sandbox(this);
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new UncheckedIOException("the sandbox could not start: " + e.getMessage(), e);
            }
        }
    }
}
