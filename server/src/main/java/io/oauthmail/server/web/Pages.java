package io.oauthmail.server.web;

import static io.oauthmail.server.web.Html.button;
import static io.oauthmail.server.web.Html.link;
import static io.oauthmail.server.web.Html.page;
import static io.oauthmail.server.web.Html.text;

import java.util.List;

/** The console's pages, as HTML strings; every outside value escaped ({@link Html#text}), no secret among them. */
final class Pages {

    /** The exact command that sets the admin password: the only thing the console says until it is set. */
    static final String SET_PASSWORD = "oauthmail web set-password";

    private Pages() {
    }

    static String setup() {
        return page("Set the admin password first", "<p>The web console has no admin password yet, so it serves"
                + " nothing. On the machine that runs the daemon, run</p><p><code>" + SET_PASSWORD + "</code></p>"
                + "<p>then reload this page.</p>", false, null);
    }

    /**
     * The login page: the admin password's form when {@code password} (one is set), and a "Sign in with
     * {@code signInHost}" link when a provider is configured (a link, not a form: {@code form-action 'self'} would
     * stop a form whose answer redirects to the provider).
     */
    static String login(String csrf, String problem, String signInHost, boolean password) {
        String said = problem == null ? "" : "<p class=\"bad\">" + text(problem) + "</p>";
        String provider = signInHost == null ? "" : "<p><a class=\"button\" href=\"/signin\">Sign in with "
                + text(signInHost) + "</a></p>";
        String form = !password ? "" : "<form method=\"post\" action=\"/login\">" + Html.csrfField(csrf)
                + "<label>Admin password <input type=\"password\" name=\"password\" autocomplete=\"current-password\""
                + " required" + (signInHost == null ? " autofocus" : "") + "></label> <button>Log in</button></form>"
                + "<p>Forgot it? Set a new one with <code>" + SET_PASSWORD + "</code>.</p>";
        return page("Log in", said + provider + (provider.isEmpty() || form.isEmpty() ? "" : "<p>or</p>") + form,
                false, null);
    }

    static String accounts(List<AccountRow> rows, String csrf, String notice) {
        StringBuilder body = new StringBuilder();
        if (notice != null) {
            body.append("<p class=\"ok\">").append(text(notice)).append("</p>");
        }
        if (rows.isEmpty()) {
            body.append("<p>No account is configured. <a href=\"/connect/new\">Connect a new account</a> here, or add"
                    + " one with <code>oauthmail accounts add</code> and reload the daemon (<code>oauthmail reload</code>).</p>");
        }
        body.append("<table><tr><th>Account</th><th>State</th><th>Refresh token age</th><th></th></tr>");
        for (AccountRow row : rows) {
            String css = row.needsReauthorization() ? "bad" : row.connected() ? "ok" : "warn";
            body.append("<tr><td>").append(text(row.name()));
            if (row.email() != null && !row.email().equals(row.name())) {
                body.append("<br>").append(text(row.email()));
            }
            body.append("</td><td class=\"").append(css).append("\">").append(text(row.label()));
            if (row.needsReauthorization() && row.reason() != null) {
                body.append("<br>why: ").append(text(row.reason()));
            }
            if (row.warning() != null) {
                body.append("<br><span class=\"warn\">").append(text(row.warning())).append("</span>");
            }
            // On a phone the header row is hidden (cells stack), so the bare age gets its label from data-label.
            body.append("</td><td data-label=\"Refresh token age\">").append(text(row.age())).append("</td><td>");
            if (row.needsReauthorization()) {
                body.append(link("/reauthorize", row.name(), "Re-authorize")).append(' ');
            } else if (!row.connected()) {
                body.append(link("/connect", row.name(), "Connect")).append(' ');
            }
            if (row.connected() && !row.needsReauthorization()) {
                // a mail that cannot be sent is no test: the account is offered Re-authorize instead (above)
                body.append(button("/test-mail", row.name(), "Send a test mail", csrf));
            }
            if (row.connected()) {
                body.append(button("/remove", row.name(), "Remove tokens", csrf));
            }
            body.append(Html.form("/local-password", row.name(), "<input type=\"password\" name=\"password\" minlength=\"8\""
                    + " autocomplete=\"new-password\" aria-label=\"local password\" placeholder=\"proxy password\">",
                    "Set local password", csrf));
            body.append("</td></tr>");
        }
        return page("Accounts", body.append("</table>").toString(), true, csrf);
    }

    static String connect(List<String> accounts, String csrf) {
        StringBuilder body = new StringBuilder("<p>Connecting sends you to the account's provider to log in and"
                + " consent; the tokens are then stored where the CLI, the daemon and the proxy use them.</p>"
                + "<p><a href=\"/connect/new\">Connect a new account</a> (it needs a confidential client: a client"
                + " secret, and this console's <code>/callback</code> registered as redirect URI), or one that is"
                + " configured already:</p><ul>");
        for (String account : accounts) {
            body.append("<li>").append(link("/connect", account, "Connect " + account)).append("</li>");
        }
        return page("Connect an account", body.append("</ul>").toString(), true, csrf);
    }

    /**
     * The provider gave no refresh token although this login forced the consent that should yield one: asking
     * again would go round in circles, so the page says what to check at the provider instead.
     */
    static String withoutRefreshToken(String account, String csrf) {
        return page("Connected without a refresh token", "<p class=\"warn\">" + text(account) + " is connected for"
                + " now, but the provider gave no refresh token, even after asking for consent again. It works until"
                + " the access token expires (often an hour); then it needs you again.</p><p>Check the client's settings"
                + " at the provider: it must be allowed offline access (the <code>offline_access</code> scope, Google's"
                + " <code>access_type=offline</code>), and the consent screen must not be skipped. Then connect it"
                + " again.</p><p><a href=\"/accounts\">Back to the accounts</a></p>", true, csrf);
    }

    static String connected(String account, String email, String csrf) {
        return page("Connected", "<p class=\"ok\">" + text(account) + " is connected"
                + (email == null ? "" : " as " + text(email)) + ".</p><p><a href=\"/accounts\">Back to the accounts</a></p>",
                true, csrf);
    }

    /** The page the callback answers with when the browser left the session cookie behind (see ConsoleHandler). */
    static String resume(String url) {
        return moveOn(url, "");
    }

    /** Says {@code sentence} and moves on to {@code url} (the provider's login) by itself, without a script. */
    static String continueTo(String sentence, java.net.URI url) {
        return moveOn(url.toString(), "<p class=\"ok\">" + text(sentence) + "</p>");
    }

    private static String moveOn(String url, String said) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"refresh\" content=\"0;url=" + text(url) + "\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Continue</title>"
                + "<link rel=\"stylesheet\" href=\"/style.css\"></head><body>" + said + "<p><a href=\"" + text(url)
                + "\">Continue</a></p></body></html>";
    }

    static String problem(String title, String message, boolean nav, String csrf) {
        return page(title, "<p class=\"bad\">" + text(message) + "</p><p><a href=\"/accounts\">Back to the"
                + " accounts</a></p>", nav, csrf);
    }
}
