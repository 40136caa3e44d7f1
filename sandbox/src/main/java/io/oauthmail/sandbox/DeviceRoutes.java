package io.oauthmail.sandbox;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.device.DeviceCode;
import com.nimbusds.oauth2.sdk.device.UserCode;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * The device authorization grant (RFC 8628) in front of mock-oauth2-server, which has none: the device
 * authorization endpoint, the verification page a person opens, and the device-code grant at the provider's
 * usual token endpoint. mock-oauth2-server matches these routes before its own, and lets every other token
 * request (codes, refreshes) through to its built-in handlers.
 */
final class DeviceRoutes {

    static final String DEVICE_AUTHORIZATION_PATH = "/" + SandboxOAuthServer.ISSUER_ID + "/devicecode";
    static final String VERIFICATION_PATH = "/" + SandboxOAuthServer.ISSUER_ID + "/device";
    private static final String TOKEN_PATH = "/" + SandboxOAuthServer.ISSUER_ID + "/token";

    private final DeviceGrants grants;
    private final java.util.concurrent.atomic.AtomicInteger logins = new java.util.concurrent.atomic.AtomicInteger();

    DeviceRoutes(DeviceGrants grants) {
        this.grants = grants;
    }

    /** How many logins the sandbox ran for approved devices: each made one authorization_code request. */
    int logins() {
        return logins.get();
    }

    Route[] routes() {
        return new Route[] {
            route("POST", DEVICE_AUTHORIZATION_PATH, this::authorizeDevice),
            route("GET", VERIFICATION_PATH, this::verificationPage),
            route("POST", VERIFICATION_PATH, this::decide),
            new Route() {
                @Override
                public boolean match(OAuth2HttpRequest request) {
                    return "POST".equals(request.getMethod()) && TOKEN_PATH.equals(request.getUrl().encodedPath())
                            && GrantType.DEVICE_CODE.getValue().equals(form(request).get("grant_type"));
                }

                @Override
                public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
                    return poll(request);
                }
            }
        };
    }

    /** RFC 8628 3.1 and 3.2. */
    private OAuth2HttpResponse authorizeDevice(OAuth2HttpRequest request) {
        Map<String, String> form = form(request);
        String clientId = form.get("client_id");
        if (clientId == null || clientId.isBlank()) {
            return error(OAuth2Error.INVALID_REQUEST.setDescription("client_id is required"));
        }
        Optional<ErrorObject> pkce = DeviceGrants.pkceRefusal(clientId, form.get("code_challenge"),
                form.get("code_challenge_method"));
        if (pkce.isPresent()) {
            return error(pkce.get());
        }
        DeviceGrants.Issued issued = grants.issue(clientId, form.get("scope"), form.get("code_challenge"));
        URI verification = URI.create(issuer(request) + "/device");
        URI complete = URI.create(verification + "?user_code=" + encode(issued.userCode()));
        DeviceAuthorizationSuccessResponse response = new DeviceAuthorizationSuccessResponse(
                new DeviceCode(issued.deviceCode()), new UserCode(issued.userCode()), verification, complete,
                issued.lifetime().toSeconds(), issued.interval().toSeconds(), null);
        return json(200, response.toJSONObject().toJSONString());
    }

    /** RFC 8628 3.4 and 3.5: what the device sees while it polls. */
    private OAuth2HttpResponse poll(OAuth2HttpRequest request) {
        Map<String, String> form = form(request);
        DeviceGrants.Poll answer = grants.poll(form.get("device_code"), form.get("client_id"), form.get("code_verifier"));
        return answer.error() != null ? error(answer.error()) : json(200, answer.tokenResponse());
    }

    /** RFC 8628 3.3: the page where the person enters (or confirms) the user code and logs in. */
    private OAuth2HttpResponse verificationPage(OAuth2HttpRequest request) {
        String typed = request.getUrl().queryParameter("user_code");
        String code = typed == null ? "" : typed;
        Optional<DeviceGrants.Request> pending = typed == null ? Optional.empty() : grants.pending(typed);
        String asks = pending.map(p -> "<p>The application <b>" + escape(p.clientId()) + "</b> asks for: <code>"
                + escape(p.scope() == null ? "(no scope)" : p.scope()) + "</code></p>").orElse("");
        return page(200, "Connect a device", asks
                + "<form method=\"post\" action=\"" + VERIFICATION_PATH + "\">"
                + "<p><label>Code shown on the device <input name=\"user_code\" value=\"" + escape(code) + "\"></label></p>"
                + "<p><label>Log in as <input name=\"username\" type=\"email\"></label></p>"
                + "<p><button name=\"action\" value=\"approve\">Allow</button> "
                + "<button name=\"action\" value=\"deny\">Deny</button></p></form>");
    }

    private OAuth2HttpResponse decide(OAuth2HttpRequest request) {
        Map<String, String> form = form(request);
        String userCode = form.getOrDefault("user_code", "");
        if ("deny".equals(form.get("action"))) {
            return outcome(grants.deny(userCode));
        }
        String user = form.get("username");
        if (user == null || user.isBlank()) {
            return page(400, "Who are you?", "<p>Enter the account to log in as.</p>");
        }
        Optional<DeviceGrants.Request> pending = grants.pending(userCode);
        if (pending.isEmpty()) {
            // Unknown, expired or decided: states a code never leaves, so nobody needs to log in.
            return outcome(grants.refusal(userCode));
        }
        URI directTokenEndpoint = URI.create(request.getOriginalUrl().newBuilder().encodedPath(TOKEN_PATH).query(null)
                .build().toString());
        logins.incrementAndGet();
        String tokens = DeviceLogin.tokenResponse(issuer(request), directTokenEndpoint, pending.get().clientId(),
                pending.get().scope(), user.trim());
        return outcome(grants.approve(userCode, tokens));
    }

    private static OAuth2HttpResponse outcome(DeviceGrants.Decision decision) {
        switch (decision) {
            case APPROVED:
                return page(200, "Device connected", "<p>You can go back to your device.</p>");
            case DENIED:
                return page(200, "Access denied", "<p>The device was not given access.</p>");
            case EXPIRED:
                return page(400, "Code expired", "<p>Start again on the device to get a new code.</p>");
            case ALREADY_DECIDED:
                return page(400, "Code already used", "<p>This code was already approved or denied.</p>");
            default:
                return page(400, "Unknown code", "<p>Check the code shown on the device and try again.</p>");
        }
    }

    private static Route route(String method, String path, java.util.function.Function<OAuth2HttpRequest,
            OAuth2HttpResponse> handler) {
        return new Route() {
            @Override
            public boolean match(OAuth2HttpRequest request) {
                return method.equals(request.getMethod()) && path.equals(request.getUrl().encodedPath());
            }

            @Override
            public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
                return handler.apply(request);
            }
        };
    }

    /** The issuer, from the request itself: the routes exist before the server knows its port. */
    private static URI issuer(OAuth2HttpRequest request) {
        HttpUrl url = request.getUrl();
        return URI.create(url.newBuilder().encodedPath("/" + SandboxOAuthServer.ISSUER_ID).query(null).build().toString());
    }

    private static Map<String, String> form(OAuth2HttpRequest request) {
        String body = request.getBody();
        Map<String, List<String>> parameters = URLUtils.parseParameters(body == null ? "" : body);
        Map<String, String> first = new java.util.HashMap<>();
        parameters.forEach((name, values) -> {
            if (!values.isEmpty()) {
                first.put(name, values.get(0));
            }
        });
        return first;
    }

    private static OAuth2HttpResponse error(ErrorObject error) {
        int status = error.getHTTPStatusCode() > 0 ? error.getHTTPStatusCode() : 400;
        return json(status, error.toJSONObject().toJSONString());
    }

    private static OAuth2HttpResponse json(int status, String body) {
        // RFC 6749 5.1: token responses are never cached.
        return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json;charset=UTF-8",
                "Cache-Control", "no-store", "Pragma", "no-cache"), status, body, null);
    }

    private static OAuth2HttpResponse page(int status, String title, String content) {
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>"
                + "<body style=\"font-family:sans-serif;margin:3em\"><h1>" + title + "</h1>" + content + "</body></html>";
        return new OAuth2HttpResponse(Headers.of("Content-Type", "text/html;charset=UTF-8", "Cache-Control", "no-store"),
                status, html, null);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
