package io.oauthmail.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.Tokens;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sandbox on its own, driven by plain Angus Mail: what it accepts and what it refuses. */
class SandboxTest {

    private static Sandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void submissionPortRequiresStartTlsAndAcceptsAValidToken() throws Exception {
        String token = sandbox.issueAccessToken("alice@sandbox.test", "openid " + Sandbox.MAIL_SCOPE, Duration.ofMinutes(5));
        send(smtpSession("smtp", sandbox.submission(), true), "alice@sandbox.test", token, "over submission");

        String readToken = sandbox.issueAccessToken("bob@sandbox.test", Sandbox.MAIL_SCOPE, Duration.ofMinutes(5));
        assertThat(subjectsInInbox("bob@sandbox.test", readToken)).contains("over submission");
    }

    @Test
    void smtpsAcceptsAValidToken() throws Exception {
        String token = sandbox.issueAccessToken("alice@sandbox.test", Sandbox.MAIL_SCOPE, Duration.ofMinutes(5));
        send(smtpSession("smtps", sandbox.smtps(), false), "alice@sandbox.test", token, "over smtps");
        String readToken = sandbox.issueAccessToken("bob@sandbox.test", Sandbox.MAIL_SCOPE, Duration.ofMinutes(5));
        assertThat(subjectsInInbox("bob@sandbox.test", readToken)).contains("over smtps");
    }

    @Test
    void submissionRefusesBadTokensWithGmailsChallenge() {
        String expired = sandbox.issueAccessToken("alice@sandbox.test", Sandbox.MAIL_SCOPE, Duration.ofSeconds(-60));
        String bobs = sandbox.issueAccessToken("bob@sandbox.test", Sandbox.MAIL_SCOPE, Duration.ofMinutes(5));
        String noScope = sandbox.issueAccessToken("alice@sandbox.test", "openid email", Duration.ofMinutes(5));
        for (String bad : new String[] {"random-string", expired, bobs, noScope}) {
            assertThatThrownBy(() -> send(smtpSession("smtp", sandbox.submission(), true), "alice@sandbox.test", bad, "x"))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .satisfies(e -> {
                        String line = e.getMessage().trim();
                        assertThat(line).startsWith("334 ");
                        String json = new String(Base64.getDecoder().decode(line.substring(4)), StandardCharsets.UTF_8);
                        assertThat(json).contains("\"status\":\"401\"").contains(Sandbox.MAIL_SCOPE);
                    });
        }
    }

    @Test
    void smtpsRefusesBadTokensAtOnce() {
        String expired = sandbox.issueAccessToken("alice@sandbox.test", Sandbox.MAIL_SCOPE, Duration.ofSeconds(-60));
        for (String bad : new String[] {"random-string", expired}) {
            assertThatThrownBy(() -> send(smtpSession("smtps", sandbox.smtps(), false), "alice@sandbox.test", bad, "x"))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageStartingWith("535"); // GreenMail answers at once, like Microsoft, with no challenge
        }
    }

    @Test
    void imapsAndPop3sRefuseBadTokens() {
        String expired = sandbox.issueAccessToken("bob@sandbox.test", Sandbox.MAIL_SCOPE, Duration.ofSeconds(-60));
        String alices = sandbox.issueAccessToken("alice@sandbox.test", Sandbox.MAIL_SCOPE, Duration.ofMinutes(5));
        for (String bad : new String[] {"random-string", expired, alices}) {
            assertThatThrownBy(() -> subjectsInInbox("bob@sandbox.test", bad)).isInstanceOf(AuthenticationFailedException.class);
            assertThatThrownBy(() -> connectStore("pop3s", sandbox.pop3s(), "bob@sandbox.test", bad).close())
                    .isInstanceOf(AuthenticationFailedException.class);
        }
    }

    @Test
    void aClientThatDoesNotTrustTheSandboxCaIsRefused() {
        Properties props = new Properties();
        props.put("mail.imaps.auth.mechanisms", "XOAUTH2");
        props.put("mail.imaps.connectiontimeout", "5000");
        Session session = Session.getInstance(props); // JDK default trust store: the sandbox CA is not in it
        assertThatThrownBy(() -> {
            try (Store store = session.getStore("imaps")) {
                store.connect(sandbox.imaps().host(), sandbox.imaps().port(), "bob@sandbox.test", "whatever");
            }
        }).isInstanceOf(MessagingException.class).hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
    }

    @Test
    void authorizationCodeFlowWithPkceAndRotatingRefreshTokens() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        URI redirect = URI.create("http://127.0.0.1:9/callback"); // nothing listens there: we read the redirect only
        ClientID client = new ClientID(Sandbox.CLIENT_ID);
        AuthorizationRequest request = new AuthorizationRequest.Builder(new ResponseType("code"), client)
                .endpointURI(sandbox.authorizationEndpoint())
                .redirectionURI(redirect)
                .scope(new Scope("openid", "email", Sandbox.MAIL_SCOPE))
                .state(new State("s1"))
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build();
        URI back = sandbox.browser().login(request.toURI(), "alice@sandbox.test");
        AuthorizationResponse response = AuthorizationResponse.parse(back);
        assertThat(response.getState().getValue()).isEqualTo("s1");
        AuthorizationCode code = response.toSuccessResponse().getAuthorizationCode();

        TokenResponse wrongVerifier = token(new AuthorizationCodeGrant(code, redirect, new CodeVerifier()), client);
        assertThat(wrongVerifier.indicatesSuccess()).as("PKCE is checked").isFalse();

        back = sandbox.browser().login(request.toURI(), "alice@sandbox.test");
        code = AuthorizationResponse.parse(back).toSuccessResponse().getAuthorizationCode();
        Tokens first = token(new AuthorizationCodeGrant(code, redirect, verifier), client).toSuccessResponse().getTokens();
        assertThat(token(new AuthorizationCodeGrant(code, redirect, verifier), client).indicatesSuccess())
                .as("a code is good once").isFalse();
        assertThat(first.getRefreshToken()).isNotNull();

        int before = sandbox.tokenRequests("refresh_token");
        Tokens second = token(new RefreshTokenGrant(first.getRefreshToken()), client).toSuccessResponse().getTokens();
        assertThat(second.getRefreshToken()).as("rotated").isNotEqualTo(first.getRefreshToken());
        // The refreshed token opens alice's mailbox: user and scope survive the refresh.
        assertThat(subjectsInInbox("alice@sandbox.test", second.getAccessToken().getValue())).isNotNull();

        TokenResponse reuse = token(new RefreshTokenGrant(first.getRefreshToken()), client);
        assertThat(reuse.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
        assertThat(sandbox.tokenRequests("refresh_token") - before).isEqualTo(2);
        // What the reuse does to the session is SandboxStrictSessionsTest's subject.
    }

    private static TokenResponse token(AuthorizationGrant grant, ClientID client) throws Exception {
        return TokenResponse.parse(new TokenRequest(sandbox.tokenEndpoint(), client, grant).toHTTPRequest().send());
    }

    private static void send(Session session, String user, String token, String subject) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(user));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@sandbox.test"));
        message.setSubject(subject);
        message.setText("hello");
        String protocol = session.getProperty("mail.transport.protocol");
        Sandbox.Endpoint endpoint = protocol.equals("smtps") ? sandbox.smtps() : sandbox.submission();
        try (Transport transport = session.getTransport(protocol)) {
            transport.connect(endpoint.host(), endpoint.port(), user, token);
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    private static Session smtpSession(String protocol, Sandbox.Endpoint endpoint, boolean startTls) {
        Properties props = new Properties();
        props.put("mail.transport.protocol", protocol);
        props.put("mail." + protocol + ".auth", "true");
        props.put("mail." + protocol + ".auth.mechanisms", "XOAUTH2");
        props.put("mail." + protocol + ".ssl.socketFactory", sandbox.clientTlsContext().getSocketFactory());
        props.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        props.put("mail." + protocol + ".connectiontimeout", "5000");
        props.put("mail." + protocol + ".timeout", "10000");
        if (startTls) {
            props.put("mail." + protocol + ".starttls.enable", "true");
            props.put("mail." + protocol + ".starttls.required", "true");
        }
        return Session.getInstance(props);
    }

    private static Store connectStore(String protocol, Sandbox.Endpoint endpoint, String user, String token)
            throws MessagingException {
        Properties props = new Properties();
        props.put("mail." + protocol + ".auth.mechanisms", "XOAUTH2");
        props.put("mail." + protocol + ".auth.login.disable", "true");
        props.put("mail." + protocol + ".auth.plain.disable", "true");
        props.put("mail." + protocol + ".ssl.socketFactory", sandbox.clientTlsContext().getSocketFactory());
        props.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        props.put("mail." + protocol + ".connectiontimeout", "5000");
        Store store = Session.getInstance(props).getStore(protocol);
        store.connect(endpoint.host(), endpoint.port(), user, token);
        return store;
    }

    private static java.util.List<String> subjectsInInbox(String user, String token) throws MessagingException {
        try (Store store = connectStore("imaps", sandbox.imaps(), user, token)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            java.util.List<String> subjects = new java.util.ArrayList<>();
            for (Message m : inbox.getMessages()) {
                subjects.add(m.getSubject());
            }
            inbox.close(false);
            return subjects;
        }
    }

}
