package io.oauthmail.sandbox;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import io.oauthmail.sandbox.TokenEndpointFaults.Fault;
import io.oauthmail.sandbox.TokenEndpointFaults.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token endpoint as clients meet it, in {@link OAuthFront}: every POST is logged as it came over the
 * wire, gets the fault a test switched on, and refresh requests pass the {@link SessionRegistry}'s reuse
 * check before mock-oauth2-server sees them. Successful answers teach the registry which refresh and access
 * tokens belong to which session.
 */
final class StrictTokenEndpoint {

    /** Forwards a request to mock-oauth2-server and returns its answer. */
    interface Backend {
        RawHttp.Answer forward(RawHttp.Request request) throws IOException;
    }

    private final TokenEndpointFaults faults;
    private final SessionRegistry sessions;
    private final List<TokenEndpointPost> posts = new ArrayList<>();
    /** Indexes of posts whose answer is being written. */
    private final Set<Integer> writing = ConcurrentHashMap.newKeySet();

    StrictTokenEndpoint(TokenEndpointFaults faults, SessionRegistry sessions) {
        this.faults = faults;
        this.sessions = sessions;
    }

    /**
     * Handles one POST to the token endpoint; false when the connection must be closed unanswered (a hang
     * that was released, or a dropped answer).
     */
    boolean handle(RawHttp.Request request, Backend backend, OutputStream out, boolean close) throws IOException {
        Map<String, String> form = form(request);
        String grantType = form.getOrDefault("grant_type", "");
        int index = received(grantType);
        Fault fault = faults.next();
        if (fault.kind() == Kind.HANG) {
            faults.hold();
            return false;
        }
        RawHttp.Answer answer = fault.kind() == Kind.UNAVAILABLE ? unavailable(fault)
                : process(request, form, backend, fault.kind() == Kind.WITHHOLD_REFRESH_TOKEN);
        if (fault.kind() == Kind.DELAY) {
            faults.pause(fault.delay());
        }
        if (fault.kind() == Kind.DROP_ANSWER) {
            return false;
        }
        writing(index);
        try {
            RawHttp.write(out, answer, close);
            answered(index, answer.status(), System.nanoTime());
        } finally {
            writing.remove(index);
            synchronized (this) {
                notifyAll();
            }
        }
        return true;
    }

    /** A revocation request (RFC 7009) on its way to mock-oauth2-server: a revoked refresh token ends its session. */
    void revoking(RawHttp.Request request) {
        sessions.revoked(form(request).get("token"));
    }

    synchronized int postCount() {
        return posts.size();
    }

    synchronized int postCount(String grantType) {
        return (int) posts.stream().filter(post -> post.grantType().equals(grantType)).count();
    }

    /**
     * A copy of the wire log. An answer being written right now is waited for (a few seconds at most): a client
     * can hold the answer's last byte before this thread has noted the time, and a test that asks just then
     * must still see it answered.
     */
    synchronized List<TokenEndpointPost> posts() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        try {
            for (long left = deadline - System.nanoTime(); !writing.isEmpty() && left > 0;
                    left = deadline - System.nanoTime()) {
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(posts);
    }

    private synchronized void writing(int index) {
        writing.add(index);
    }

    private synchronized int received(String grantType) {
        posts.add(new TokenEndpointPost(grantType, System.nanoTime(), 0, null));
        return posts.size() - 1;
    }

    private synchronized void answered(int index, int status, long at) {
        TokenEndpointPost post = posts.get(index);
        posts.set(index, new TokenEndpointPost(post.grantType(), post.receivedAtNanos(), status, at));
    }

    private RawHttp.Answer process(RawHttp.Request request, Map<String, String> form, Backend backend,
            boolean withholdRefreshToken) throws IOException {
        String grantType = form.getOrDefault("grant_type", "");
        String presented = form.get("refresh_token");
        if ("refresh_token".equals(grantType)) {
            SessionRegistry.Check check = sessions.present(presented);
            if (check.refuse()) {
                return json(400, OAuth2Error.INVALID_GRANT.setDescription(check.description()).toJSONObject()
                        .toJSONString());
            }
        }
        RawHttp.Answer answer = backend.forward(request);
        if (answer.status() == 200 && withholdRefreshToken) {
            answer = withoutRefreshToken(answer);
        }
        return answer.status() == 200 ? learn(grantType, presented, answer) : answer;
    }

    /**
     * Files the tokens of a successful answer under their session, and states the access token's whole lifetime
     * in {@code expires_in}: mock-oauth2-server counts down from its own clock and says 59 for a 60-second token.
     */
    private RawHttp.Answer learn(String grantType, String presented, RawHttp.Answer answer) {
        try {
            Map<String, Object> tokens = JSONObjectUtils.parse(new String(answer.body(), StandardCharsets.UTF_8));
            String fresh = JSONObjectUtils.getString(tokens, "refresh_token");
            String access = JSONObjectUtils.getString(tokens, "access_token");
            JWTClaimsSet claims = access == null ? null : SignedJWT.parse(access).getJWTClaimsSet();
            if (claims == null) {
                return answer;
            }
            if ("refresh_token".equals(grantType)) {
                sessions.rotated(presented, fresh, claims.getJWTID());
            } else if (fresh != null) {
                Object email = claims.getClaim("email");
                sessions.started(email instanceof String s ? s : claims.getSubject(), fresh, claims.getJWTID());
            }
            if (tokens.containsKey("expires_in") && claims.getExpirationTime() != null && claims.getIssueTime() != null) {
                tokens.put("expires_in",
                        (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000);
                return new RawHttp.Answer(answer.status(), answer.headers(),
                        JSONObjectUtils.toJSONString(tokens).getBytes(StandardCharsets.UTF_8));
            }
            return answer;
        } catch (ParseException e) {
            return answer; // not a JSON token response with a JWT access token: nothing the sessions need to know
        }
    }

    /** {@code answer} without its {@code refresh_token}: before {@link #learn}, so no session is filed for it. */
    private static RawHttp.Answer withoutRefreshToken(RawHttp.Answer answer) {
        try {
            Map<String, Object> tokens = JSONObjectUtils.parse(new String(answer.body(), StandardCharsets.UTF_8));
            tokens.remove("refresh_token");
            return new RawHttp.Answer(answer.status(), answer.headers(),
                    JSONObjectUtils.toJSONString(tokens).getBytes(StandardCharsets.UTF_8));
        } catch (ParseException e) {
            return answer;
        }
    }

    private static RawHttp.Answer unavailable(Fault fault) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(
                Map.entry("Content-Type", "text/plain;charset=UTF-8"), Map.entry("Cache-Control", "no-store")));
        if (fault.retryAfter() != null) {
            long seconds = fault.retryAfter().plusMillis(999).toSeconds(); // whole seconds, rounded up
            headers.add(Map.entry("Retry-After", Long.toString(seconds)));
        }
        return new RawHttp.Answer(fault.status(), headers,
                "The token endpoint is temporarily unavailable (oauthmail sandbox fault).\n"
                        .getBytes(StandardCharsets.UTF_8));
    }

    private static RawHttp.Answer json(int status, String body) {
        // RFC 6749 5.1 and 5.2: token responses, errors included, are never cached.
        return new RawHttp.Answer(status, List.of(Map.entry("Content-Type", "application/json;charset=UTF-8"),
                Map.entry("Cache-Control", "no-store"), Map.entry("Pragma", "no-cache")),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> form(RawHttp.Request request) {
        Map<String, String> first = new HashMap<>();
        URLUtils.parseParameters(request.bodyText()).forEach((name, values) -> {
            if (!values.isEmpty()) {
                first.put(name, values.get(0));
            }
        });
        return first;
    }
}
