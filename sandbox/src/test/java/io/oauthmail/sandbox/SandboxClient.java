package io.oauthmail.sandbox;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * A plain client of a sandbox for the strictness tests: logs in over the authorization-code flow, refreshes
 * with the JDK's HttpClient (which never re-sends a POST on its own, so the wire log shows exactly what the test
 * did), and logs in to the mail servers with a token.
 */
final class SandboxClient {

    /** The parts of a token response the tests look at. */
    record Tokens(int status, String accessToken, String refreshToken, Long expiresIn, String error,
            String errorDescription, HttpResponse<String> response) {
    }

    private static final ClientID CLIENT = new ClientID(Sandbox.CLIENT_ID);
    private static final URI REDIRECT = URI.create("http://127.0.0.1:9/callback"); // never contacted

    private final Sandbox sandbox;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SandboxClient(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    /** A fresh login (a new session) of {@code user} with the mail scope. */
    Tokens login(String user) throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        AuthorizationRequest request = new AuthorizationRequest.Builder(ResponseType.CODE, CLIENT)
                .endpointURI(sandbox.authorizationEndpoint())
                .redirectionURI(REDIRECT)
                .scope(new Scope("openid", "email", Sandbox.MAIL_SCOPE))
                .state(new State())
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build();
        URI back = sandbox.browser().login(request.toURI(), user);
        AuthorizationCode code = AuthorizationResponse.parse(back).toSuccessResponse().getAuthorizationCode();
        String form = new String(new TokenRequest(sandbox.tokenEndpoint(), CLIENT,
                new AuthorizationCodeGrant(code, REDIRECT, verifier)).toHTTPRequest().getBody());
        return post(form, Duration.ofSeconds(30));
    }

    Tokens refresh(String refreshToken) throws Exception {
        return refresh(refreshToken, Duration.ofSeconds(30));
    }

    /** One refresh POST; a {@code timeout} shorter than a fault's makes it throw HttpTimeoutException. */
    Tokens refresh(String refreshToken, Duration timeout) throws Exception {
        return post("grant_type=refresh_token&client_id=" + Sandbox.CLIENT_ID + "&refresh_token="
                + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8), timeout);
    }

    private Tokens post(String form, Duration timeout) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(sandbox.tokenEndpoint())
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> json = response.body().startsWith("{")
                ? com.nimbusds.jose.util.JSONObjectUtils.parse(response.body()) : Map.of();
        Object expiresIn = json.get("expires_in");
        return new Tokens(response.statusCode(), (String) json.get("access_token"), (String) json.get("refresh_token"),
                expiresIn instanceof Number n ? n.longValue() : null, (String) json.get("error"),
                (String) json.get("error_description"), response);
    }

    /** Whether IMAPS accepts {@code token} for {@code user} (XOAUTH2, no fallback to a plain login). */
    boolean imapsAccepts(String user, String token) throws MessagingException {
        Properties props = mailProperties("imaps");
        props.put("mail.imaps.auth.login.disable", "true");
        props.put("mail.imaps.auth.plain.disable", "true");
        try (Store store = Session.getInstance(props).getStore("imaps")) {
            store.connect(sandbox.imaps().host(), sandbox.imaps().port(), user, token);
            return true;
        } catch (jakarta.mail.AuthenticationFailedException e) {
            return false;
        }
    }

    /** Whether the submission port (STARTTLS, AUTH XOAUTH2) accepts {@code token} for {@code user}. */
    boolean submissionAccepts(String user, String token) throws MessagingException {
        Properties props = mailProperties("smtp");
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        try (Transport transport = Session.getInstance(props).getTransport("smtp")) {
            transport.connect(sandbox.submission().host(), sandbox.submission().port(), user, token);
            return true;
        } catch (jakarta.mail.AuthenticationFailedException e) {
            return false;
        }
    }

    private Properties mailProperties(String protocol) {
        Properties props = new Properties();
        props.put("mail." + protocol + ".auth.mechanisms", "XOAUTH2");
        props.put("mail." + protocol + ".ssl.socketFactory", sandbox.clientTlsContext().getSocketFactory());
        props.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        props.put("mail." + protocol + ".connectiontimeout", "5000");
        props.put("mail." + protocol + ".timeout", "10000");
        return props;
    }
}
