package io.oauthmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The address when the ID token has none: a real userinfo endpoint over HTTP (OpenID Connect Core 5.3),
 * which checks the bearer token as the provider would. The sandbox cannot show this case: its OpenID server
 * always puts the address in the ID token.
 */
class EmailLookupTest {

    private HttpServer userinfo;
    private final AtomicReference<String> answer = new AtomicReference<>();
    private final AtomicReference<String> authorization = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        userinfo = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        userinfo.createContext("/userinfo", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            boolean bearer = "Bearer the-access-token".equals(authorization.get()) && exchange.getRequestMethod().equals("GET");
            byte[] body = (bearer ? answer.get() : "{\"error\":\"invalid_token\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (!bearer) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            }
            exchange.sendResponseHeaders(bearer ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        userinfo.start();
    }

    @AfterEach
    void stop() {
        userinfo.stop(0);
    }

    private Account account(URI userInfoEndpoint) {
        Provider provider = new Provider("generic", new OAuthEndpoints(URI.create("http://127.0.0.1:1/authorize"),
                URI.create("http://127.0.0.1:1/token"), null, null, userInfoEndpoint), List.of("openid"), null, null, null, Set.of());
        return new Account("work", null, provider, "client", null, null, null);
    }

    private static TokenSet tokens(String accessToken) {
        return new TokenSet(accessToken, Instant.now().plusSeconds(3600), "refresh", Instant.now(), List.of(), null);
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + userinfo.getAddress().getPort() + "/userinfo");
    }

    @Test
    void withoutAnIdTokenTheAddressComesFromUserinfoWithTheAccessToken() {
        answer.set("{\"sub\":\"248289761001\",\"email\":\"jane@corp.example\",\"email_verified\":true}");
        Authorization result = EmailLookup.authorization(account(endpoint()), tokens("the-access-token"));
        assertThat(result.email()).isEqualTo("jane@corp.example");
        assertThat(authorization.get()).isEqualTo("Bearer the-access-token");
    }

    @Test
    void aRefusedOrEmptyUserinfoLeavesTheAddressUnknownWithoutFailingTheLogin() {
        answer.set("{\"sub\":\"248289761001\"}");
        assertThat(EmailLookup.authorization(account(endpoint()), tokens("the-access-token")).email()).isNull();
        assertThat(EmailLookup.authorization(account(endpoint()), tokens("another-token")).email()).isNull();
        answer.set("<html>a captive portal</html>");
        assertThat(EmailLookup.authorization(account(endpoint()), tokens("the-access-token")).email()).isNull();
        assertThat(EmailLookup.authorization(account(URI.create("http://127.0.0.1:1/userinfo")), tokens("x")).email()).isNull();
        assertThat(EmailLookup.authorization(account(null), tokens("x")).email()).as("no endpoint known").isNull();
    }
}
