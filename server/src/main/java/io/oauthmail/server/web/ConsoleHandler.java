package io.oauthmail.server.web;

import io.oauthmail.account.Account;
import io.oauthmail.config.WebSignIn;
import io.oauthmail.error.AuthorizationFailed;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.mail.Email;
import io.oauthmail.mail.SmtpSender;
import io.oauthmail.oauth.Revocation;
import io.oauthmail.oauth.WebServerLogin;
import io.oauthmail.server.proxy.LocalPasswords;
import io.oauthmail.store.AccountKeys;
import io.oauthmail.web.Connected;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's routes, on Jetty's core {@link Handler} API. Every answer carries a strict Content-Security-Policy
 * (nothing but this origin's style sheet; forms post only here; no framing), {@code nosniff} and no referrer. No
 * page needs JavaScript.
 *
 * <p>Connect and Re-authorize are links (GET), not forms: they only begin a login bound to this session (nothing is
 * stored until the provider's callback), and a form whose answer redirects to the provider would be stopped by
 * {@code form-action 'self'} in browsers that apply it to redirects. Everything that changes state is a POST with
 * the session's CSRF token.
 */
final class ConsoleHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleHandler.class);
    static final String COOKIE = "oauthmail_console";
    /** The largest form read (the new-account form is the largest, a few KiB); a larger one is refused unread. */
    static final int MAX_FORM = 64 * 1024;
    static final String CSP = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ConsoleServices services;
    private final AdminPassword admin;
    private final Sessions sessions;
    private final URI callbackUri;
    private final boolean tls;
    private final NewAccountConnect newAccount;
    /** Sign-in with the OpenID Connect provider of {@code [web] oidc_issuer}, or null without one. */
    private final SignInRoutes signIn;

    ConsoleHandler(ConsoleServices services, URI base, boolean tls, Optional<WebSignIn> signIn) {
        this.services = services;
        this.admin = new AdminPassword(services.paths().stateDir(), services.clock());
        this.sessions = new Sessions(services.clock());
        this.callbackUri = base.resolve("/callback");
        this.tls = tls;
        this.newAccount = new NewAccountConnect(services, callbackUri);
        this.signIn = signIn.map(settings -> new SignInRoutes(settings, base, sessions, services.clock())).orElse(null);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        response.getHeaders().put("Content-Security-Policy", CSP);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Exchange exchange = new Exchange(request, response, callback, tls);
        String path = Request.getPathInContext(request);
        if (path.equals("/style.css")) {
            exchange.send(200, "text/css; charset=utf-8", Html.CSS);
        } else if (!admin.isSet() && signIn == null) {
            exchange.html(503, Pages.setup());
        } else {
            route(exchange, path, request.getMethod());
        }
        return true;
    }

    private void route(Exchange exchange, String path, String method) throws IOException {
        boolean post = method.equals("POST");
        Optional<Sessions.Session> found = sessions.find(exchange.cookie());
        if (signIn != null && (path.equals(SignInRoutes.START) || path.startsWith(SignInRoutes.START + "/"))) {
            signIn.route(exchange, path, found);
            return;
        }
        if (path.equals("/login")) {
            login(exchange, found, post);
            return;
        }
        if (found.isEmpty() || !found.get().loggedIn()) {
            if (path.equals("/callback")) {
                resumeSameSite(exchange, "/callback", "Log in to the console first, then connect the account again:"
                        + " nothing was stored.");
            } else if (post) {
                exchange.html(403, Pages.problem("Not logged in", "Your session has ended or is not valid: nothing"
                        + " was changed. Log in again.", false, null));
            } else {
                exchange.redirect("/login");
            }
            return;
        }
        Sessions.Session session = found.get();
        Fields form;
        try {
            form = post ? FormFields.getFields(exchange.request(), 64, MAX_FORM) : Request.extractQueryParameters(exchange.request());
        } catch (RuntimeException e) {
            exchange.html(413, Pages.problem("Too large", "The form was larger than the console accepts ("
                    + MAX_FORM / 1024 + " KiB): nothing was changed.", true, session.csrf()));
            return;
        }
        if (post && !session.csrfMatches(form.getValue("csrf"))) {
            exchange.html(403, Pages.problem("Refused", "This form came without this session's CSRF token (from"
                    + " another site, or an old page): nothing was changed.", true, session.csrf()));
            return;
        }
        switch (method + " " + path) {
            case "GET /", "GET /accounts" -> exchange.html(200, Pages.accounts(rows(session), session.csrf(), null));
            case "GET /connect" -> connect(exchange, session, form.getValue("account"), false);
            case "GET /connect/new" -> newAccount.form(exchange, session);
            case "POST /connect/new" -> newAccount.submit(exchange, session, form);
            case "GET /reauthorize" -> connect(exchange, session, form.getValue("account"), true);
            case "GET /callback" -> callback(exchange, session);
            case "POST /remove" -> remove(exchange, session, form.getValue("account"));
            case "POST /local-password" -> localPassword(exchange, session, form);
            case "POST /test-mail" -> testMail(exchange, session, form.getValue("account"));
            case "POST /logout" -> {
                sessions.end(session.id());
                exchange.redirect("/login");
            }
            default -> exchange.html(404, Pages.problem("Not found", "There is no such page.", true, session.csrf()));
        }
    }

    private void login(Exchange exchange, Optional<Sessions.Session> found, boolean post) throws IOException {
        if (!post) {
            Sessions.Session session = found.orElseGet(sessions::anonymous);
            exchange.setCookie(session.id());
            exchange.html(200, loginPage(session.csrf(), null));
            return;
        }
        Fields form = FormFields.getFields(exchange.request());
        if (found.isEmpty() || !found.get().csrfMatches(form.getValue("csrf"))) {
            Sessions.Session fresh = sessions.anonymous();
            exchange.setCookie(fresh.id());
            exchange.html(403, loginPage(fresh.csrf(), "The login form had expired; nothing was checked. Try again."));
            return;
        }
        if (!admin.isSet()) {
            exchange.html(403, loginPage(found.get().csrf(), "No admin password is set: sign in with "
                    + signIn.host() + ", or set one with " + Pages.SET_PASSWORD + "."));
            return;
        }
        String password = Optional.ofNullable(form.getValue("password")).orElse("");
        InetSocketAddress from = (InetSocketAddress) exchange.request().getConnectionMetaData().getRemoteSocketAddress();
        if (!admin.check(from.getAddress(), password.toCharArray())) {
            LOG.warn("web console: a failed login from {}", from.getAddress().getHostAddress());
            exchange.html(403, loginPage(found.get().csrf(), "Wrong password."));
            return;
        }
        Sessions.Session session = sessions.logIn(found.get());
        exchange.setCookie(session.id());
        exchange.redirect("/accounts");
    }

    private List<AccountRow> rows(Sessions.Session session) {
        List<AccountRow> rows = new ArrayList<>();
        for (Account account : services.accounts().get()) {
            rows.add(AccountRow.of(account, services.connect().check(account, callbackUri, session.id()),
                    services.store(), services.clock().instant()));
        }
        return rows;
    }

    private void connect(Exchange exchange, Sessions.Session session, String name, boolean reauthorize) throws IOException {
        if (name == null && !reauthorize) {
            exchange.html(200, Pages.connect(services.accounts().get().stream().map(Account::name).toList(), session.csrf()));
            return;
        }
        Optional<Account> account = known(exchange, session, name);
        if (account.isEmpty()) {
            return;
        }
        try {
            URI to = reauthorize ? services.connect().connect(account.get(), callbackUri, session.id(), true)
                    : services.connect().connect(account.get(), callbackUri, session.id());
            exchange.redirect(to.toString());
        } catch (IllegalArgumentException | OAuthMailException e) {
            exchange.html(400, Pages.problem("Cannot connect " + name, e.getMessage(), true, session.csrf()));
        }
    }

    private void callback(Exchange exchange, Sessions.Session session) throws IOException {
        Map<String, String> parameters = new java.util.HashMap<>(WebServerLogin.parameters(exchange.request().getHttpURI().getQuery()));
        parameters.remove("resume");
        try {
            Connected connected = services.connect().callback(session.id(), parameters);
            services.connected().run();
            if (connected.askAgain() != null) {
                exchange.redirect(connected.askAgain().toString());
                return;
            }
            if (connected.refreshToken() == Connected.RefreshToken.MISSING) {
                LOG.warn("web console: {} connected, but the provider gave no refresh token despite forced consent",
                        connected.account());
                exchange.html(200, Pages.withoutRefreshToken(connected.account(), session.csrf()));
                return;
            }
            LOG.info("web console: {} connected", connected.account());
            exchange.html(200, Pages.connected(connected.account(), connected.email(), session.csrf()));
        } catch (AuthorizationFailed e) {
            exchange.html(400, Pages.problem("Not connected", e.messageWithHint(), true, session.csrf()));
        } catch (OAuthMailException e) {
            exchange.html(502, Pages.problem("The provider did not answer", e.messageWithHint()
                    + " Nothing was stored.", true, session.csrf()));
        }
    }

    /** The login page: the admin password's form if one is set, and "Sign in with HOST" if a provider is. */
    private String loginPage(String csrf, String problem) {
        return Pages.login(csrf, problem, signIn == null ? null : signIn.host(), admin.isSet());
    }

    /**
     * The provider's redirect back is a cross-site navigation, on which browsers do not send a SameSite=Strict
     * cookie. A page of ours that moves on to the same URL is a same-site navigation, which does send it; the
     * {@code resume} mark stops a browser that truly has no session from going round in circles (it gets a 403
     * page saying {@code noSession}).
     */
    static void resumeSameSite(Exchange exchange, String path, String noSession) {
        String query = exchange.request().getHttpURI().getQuery();
        if (query != null && WebServerLogin.parameters(query).containsKey("resume")) {
            exchange.html(403, Pages.problem("Not logged in", noSession, false, null));
            return;
        }
        exchange.html(200, Pages.resume(path + "?" + (query == null ? "" : query + "&") + "resume=1"));
    }

    private void remove(Exchange exchange, Sessions.Session session, String name) throws IOException {
        Optional<Account> account = known(exchange, session, name);
        if (account.isEmpty()) {
            return;
        }
        String revoked = "";
        try {
            Optional<io.oauthmail.account.TokenSet> tokens = services.store().load(name);
            if (tokens.isPresent()) {
                Revocation.Outcome outcome = Revocation.revoke(account.get(), tokens.get(), Duration.ofSeconds(15));
                revoked = outcome.revoked() ? " and its grant revoked at the provider" : "";
            }
        } catch (OAuthMailException e) {
            // unreadable tokens cannot be revoked; they are deleted all the same
        }
        AccountKeys.deleteAll(services.store(), name);
        try {
            services.lostGrants().clear(name);
        } catch (IOException e) {
            LOG.warn("web console: the note of {}'s lost grant could not be removed: {}", name, e.getMessage());
        }
        LOG.info("web console: the tokens of {} were removed", name);
        exchange.html(200, Pages.accounts(rows(session), session.csrf(), "The tokens of " + name + " were deleted"
                + revoked + "."));
    }

    /** Sets the proxy's local password of an account; the running proxy reads the file at each login. */
    private void localPassword(Exchange exchange, Sessions.Session session, Fields form) {
        String name = form.getValue("account");
        if (known(exchange, session, name).isEmpty()) {
            return;
        }
        char[] password = Optional.ofNullable(form.getValue("password")).orElse("").toCharArray();
        try {
            new LocalPasswords(services.paths().localPasswordsFile()).set(name, password);
        } catch (OAuthMailException e) {
            exchange.html(400, Pages.problem("Local password not set", e.messageWithHint(), true, session.csrf()));
            return;
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
        LOG.info("web console: the local password of {} was set", name);
        exchange.html(200, Pages.accounts(rows(session), session.csrf(), "The local password of " + name
                + " is set: mail programs log in to the proxy as " + name + " with it."));
    }

    /** Sends a short mail from the account to itself over SMTP with its token: proof that it works end to end. */
    private void testMail(Exchange exchange, Sessions.Session session, String name) {
        Optional<Account> account = known(exchange, session, name);
        if (account.isEmpty()) {
            return;
        }
        String to = Optional.ofNullable(account.get().email()).orElse(name);
        SmtpSender sender = new SmtpSender(services.mail());
        try {
            String subject = "oauthmail test mail from the web console, " + java.time.format.DateTimeFormatter
                    .ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC).format(services.clock().instant());
            String id = sender.send(account.get(), Email.to(to)
                    .subject(subject)
                    .text("This mail was sent by oauthmail's web console to check that " + name + " can send."));
            exchange.html(200, Pages.accounts(rows(session), session.csrf(), "A test mail was sent from " + name
                    + " to " + to + ": it should be in that inbox in a moment, with the subject \"" + subject
                    + "\". (Its Message-ID is " + id + ".)"));
        } catch (ReauthorizationRequired e) {
            exchange.html(409, Pages.problem("Not sent", e.messageWithHint() + " Re-authorize the account on the"
                    + " Accounts page.", true, session.csrf()));
        } catch (OAuthMailException e) {
            exchange.html(502, Pages.problem("Not sent", e.messageWithHint(), true, session.csrf()));
        } finally {
            sender.close(); // one mail: the SMTP connection is not kept for a next one
        }
    }

    /** The configured account named {@code name}; when there is none, a 404 page is the answer and this is empty. */
    private Optional<Account> known(Exchange exchange, Sessions.Session session, String name) {
        Optional<Account> account = services.accounts().get().stream().filter(a -> a.name().equals(name)).findFirst();
        if (account.isEmpty()) {
            exchange.html(404, Pages.problem("Unknown account", "No account named " + name + " is configured.", true,
                    session.csrf()));
        }
        return account;
    }

    /** One request and its answer, with the console's cookie rules. */
    record Exchange(Request request, Response response, Callback callback, boolean tls) {

        String cookie() {
            return Request.getCookies(request).stream().filter(c -> c.getName().equals(COOKIE)).map(HttpCookie::getValue)
                    .findFirst().orElse(null);
        }

        void setCookie(String id) {
            Response.putCookie(response, HttpCookie.build(COOKIE, id).path("/").httpOnly(true)
                    .sameSite(HttpCookie.SameSite.STRICT).secure(tls).build());
        }

        void html(int status, String page) {
            send(status, "text/html; charset=utf-8", page);
        }

        void send(int status, String type, String body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
            Content.Sink.write(response, true, body, callback);
        }

        void redirect(String location) {
            response.setStatus(303);
            response.getHeaders().put(HttpHeader.LOCATION, location);
            response.write(true, null, callback);
        }
    }
}
