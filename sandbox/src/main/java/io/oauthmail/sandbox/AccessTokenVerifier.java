package io.oauthmail.sandbox;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URL;
import java.text.ParseException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a bearer token presented to a sandbox mail server is good for a mailbox, the way Gmail does:
 * the token must have been issued by the sandbox's OAuth server (signature checked against its JWKS, fetched
 * over HTTP), must not have expired, must carry the mail scope and must name the same user, and its session
 * must not have ended (a reused refresh token, a revoked grant, {@link Sandbox#endSessions}): real mail servers
 * introspect such a token as inactive.
 */
final class AccessTokenVerifier {

    /** Why a token was refused, or {@link #ACCEPTED}. */
    enum Verdict {
        ACCEPTED, MALFORMED, BAD_SIGNATURE, EXPIRED, WRONG_ISSUER, WRONG_USER, MISSING_SCOPE, SESSION_ENDED;

        boolean accepted() {
            return this == ACCEPTED;
        }
    }

    private final String issuer;
    private final String mailScope;
    private final SessionRegistry sessions;
    private final DefaultJWTProcessor<SecurityContext> processor;

    AccessTokenVerifier(String issuer, URL jwksUrl, String mailScope, SessionRegistry sessions) {
        this.issuer = issuer;
        this.mailScope = mailScope;
        this.sessions = sessions;
        JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(jwksUrl).retrying(true).build();
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                null, new HashSet<>(Arrays.asList("sub", "exp", "iss")));
        claims.setMaxClockSkew(0);
        processor.setJWTClaimsSetVerifier(claims);
    }

    Verdict verify(String token, String user) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            return Verdict.MALFORMED;
        } catch (BadJWTException e) {
            return e.getMessage() != null && e.getMessage().contains("xpired") ? Verdict.EXPIRED : Verdict.MALFORMED;
        } catch (BadJOSEException | JOSEException e) {
            return Verdict.BAD_SIGNATURE;
        }
        if (!issuer.equals(claims.getIssuer())) {
            return Verdict.WRONG_ISSUER;
        }
        if (!namesUser(claims, user)) {
            return Verdict.WRONG_USER;
        }
        if (!scopes(claims).contains(mailScope)) {
            return Verdict.MISSING_SCOPE;
        }
        if (sessions.ended(claims.getJWTID())) {
            return Verdict.SESSION_ENDED;
        }
        return Verdict.ACCEPTED;
    }

    private static boolean namesUser(JWTClaimsSet claims, String user) {
        String wanted = user.toLowerCase(Locale.ROOT);
        Object email = claims.getClaim("email");
        return wanted.equals(lower(claims.getSubject())) || (email instanceof String s && wanted.equals(lower(s)));
    }

    private static Set<String> scopes(JWTClaimsSet claims) {
        Object scope = claims.getClaim("scope");
        return scope instanceof String s ? Set.of(s.trim().split("\\s+")) : Set.of();
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
