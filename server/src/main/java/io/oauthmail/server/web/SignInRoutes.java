package io.oauthmail.server.web;

import io.oauthmail.config.WebSignIn;
import io.oauthmail.error.OAuthMailException;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's two sign-in routes when {@code [web] oidc_issuer} is set: {@code GET /signin} sends the browser to
 * the provider ({@link OidcSignIn}), {@code GET /signin/callback} takes its answer and, for an identity on
 * {@code [web] allow}, logs the browser's session in exactly as the admin password does ({@link Sessions#logIn}: a
 * new session ID and CSRF token). Everything else ends on a page that says what happened, with no session.
 */
final class SignInRoutes {

    static final String START = "/signin";
    static final String CALLBACK = "/signin/callback";
    private static final Logger LOG = LoggerFactory.getLogger(SignInRoutes.class);

    private final OidcSignIn oidc;
    private final Sessions sessions;

    SignInRoutes(WebSignIn settings, URI base, Sessions sessions, Clock clock) {
        this.oidc = new OidcSignIn(settings, base.resolve(CALLBACK), clock);
        this.sessions = sessions;
    }

    /** The provider's host, for the login page's "Sign in with HOST". */
    String host() {
        return oidc.host();
    }

    /** Answers {@code path} (one of this class's routes) for the browser whose session, if any, is {@code found}. */
    void route(ConsoleHandler.Exchange exchange, String path, Optional<Sessions.Session> found) {
        if (path.equals(START)) {
            Sessions.Session session = found.orElseGet(sessions::anonymous);
            exchange.setCookie(session.id());
            try {
                exchange.redirect(oidc.begin(session.id()).toString());
            } catch (OAuthMailException e) {
                exchange.html(502, page("Cannot sign in", e.messageWithHint()));
            }
        } else if (path.equals(CALLBACK) && found.isPresent()) {
            callback(exchange, found.get());
        } else if (path.equals(CALLBACK)) {
            ConsoleHandler.resumeSameSite(exchange, CALLBACK, "Start the sign-in again on the login page: this"
                    + " browser sent no console session with the provider's answer, so nothing was changed.");
        } else {
            exchange.html(404, page("Not found", "There is no such page."));
        }
    }

    private void callback(ConsoleHandler.Exchange exchange, Sessions.Session session) {
        String query = Optional.ofNullable(exchange.request().getHttpURI().getQuery()).orElse("");
        OidcSignIn.Outcome outcome = oidc.finish(session.id(), query);
        if (outcome instanceof OidcSignIn.SignedIn in) {
            LOG.info("web console: {} signed in with {}", in.identity().shown(), oidc.host());
            exchange.setCookie(sessions.logIn(session).id());
            exchange.redirect("/accounts");
        } else if (outcome instanceof OidcSignIn.NotAllowed out) {
            LOG.warn("web console: {} signed in with {} but is not on [web] allow: refused", out.identity().shown(),
                    oidc.host());
            exchange.html(403, page("Not allowed", out.identity().shown() + " signed in with " + oidc.host()
                    + ", but is not allowed into this console. To let them in, add them to [web] allow in the config"
                    + " and restart oauthmail serve."));
        } else {
            OidcSignIn.Failed failed = (OidcSignIn.Failed) outcome;
            LOG.warn("web console: a sign-in with {} failed: {}", oidc.host(), failed.message());
            exchange.html(failed.status(), page(failed.title(), failed.message()));
        }
    }

    private static String page(String title, String message) {
        return Html.page(title, "<p class=\"bad\">" + Html.text(message) + "</p><p><a href=\"/login\">Back to the"
                + " login page</a></p>", false, null);
    }
}
