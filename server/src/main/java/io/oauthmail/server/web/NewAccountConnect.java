package io.oauthmail.server.web;

import static io.oauthmail.server.web.Html.text;

import io.oauthmail.account.Account;
import io.oauthmail.config.AccountAdd;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.Config;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Providers;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Connect an account" for an account the config does not have yet ({@code GET|POST /connect/new}): the form, its
 * checks, the config table written exactly as {@code oauthmail accounts add} writes it ({@link AccountAdd}: the
 * client secret in the owner-only config file, a generic provider's endpoints discovered once), a reload so the
 * daemon serves the account, and the web-server login begun at once.
 *
 * <p>The answer to the POST is a page that moves on to the provider by itself (a meta refresh, no script), not a
 * redirect: Chromium applies {@code form-action 'self'} to a form's redirects, and the provider is another origin.
 */
final class NewAccountConnect {

    private static final Logger LOG = LoggerFactory.getLogger(NewAccountConnect.class);

    private final ConsoleServices services;
    private final URI callbackUri;

    NewAccountConnect(ConsoleServices services, URI callbackUri) {
        this.services = services;
        this.callbackUri = callbackUri;
    }

    void form(ConsoleHandler.Exchange exchange, Sessions.Session session) {
        exchange.html(200, page(NewAccount.blank(), Map.of(), null, session.csrf()));
    }

    void submit(ConsoleHandler.Exchange exchange, Sessions.Session session, Fields form) {
        NewAccount entered = NewAccount.from(form);
        String secret = Optional.ofNullable(form.getValue("client_secret")).orElse("").strip();
        Config config;
        try {
            config = services.config().get();
        } catch (OAuthMailException e) {
            exchange.html(500, Pages.problem("The config file cannot be read", e.messageWithHint() + " Nothing was"
                    + " written.", true, session.csrf()));
            return;
        }
        Map<String, String> problems = entered.problems(secret, config.account(entered.name()).map(AccountSettings::name));
        if (!problems.isEmpty()) {
            exchange.html(400, page(entered, problems, "Nothing was written: correct the fields marked below.", session.csrf()));
            return;
        }
        OAuthEndpoints endpoints;
        try {
            endpoints = AccountAdd.endpoints(entered.provider(), entered.provider().equals("generic")
                    ? URI.create(entered.issuer()) : null, null, null, null, null);
        } catch (OAuthMailException e) {
            exchange.html(502, page(entered, Map.of("issuer", e.messageWithHint()), "The issuer's OpenID configuration"
                    + " could not be read. Nothing was written.", session.csrf()));
            return;
        }
        AccountSettings settings = entered.settings(secret, endpoints);
        Account account;
        try {
            account = AccountResolver.withSecret(settings); // resolves as the daemon will, before anything is written
            if (!writeIfNew(settings)) {
                exchange.html(409, page(entered, Map.of("name", "An account named " + entered.name() + " was added"
                        + " meanwhile: connect it from the Accounts page, or choose another name."),
                        "Nothing was written.", session.csrf()));
                return;
            }
        } catch (OAuthMailException | IllegalArgumentException e) {
            exchange.html(400, Pages.problem("Not added", e.getMessage(), true, session.csrf()));
            return;
        }
        LOG.info("web console: account {} ({}) added to {}", entered.name(), entered.provider(), config.file());
        String reloaded = reload();
        URI to = services.connect().connect(account, callbackUri, session.id(), true);
        exchange.html(200, Pages.continueTo(entered.name() + " was added to " + config.file() + reloaded
                + ". Now log in at the provider and consent.", to));
    }

    /**
     * Writes the account unless one of its name is in the config now: two forms sent at once (or the discovery's
     * seconds) must not let the second replace the first, as {@code accounts add} would on purpose.
     */
    private synchronized boolean writeIfNew(AccountSettings settings) {
        Config now = services.config().get();
        if (now.account(settings.name()).isPresent()) {
            return false;
        }
        AccountAdd.write(now.file(), Optional.empty(), settings, services.store());
        return true;
    }

    /** Has the daemon re-read the config, so it serves the new account; says so in the sentence, or why not. */
    private String reload() {
        try {
            services.reload().run();
            return "";
        } catch (OAuthMailException e) {
            LOG.warn("web console: the reload after adding an account failed: {}", e.getMessage());
            return " (the daemon could not reload it: " + e.getMessage() + "; run oauthmail reload)";
        }
    }

    /** The form with what was typed (never the secret) and each field's problem beside it. */
    private String page(NewAccount values, Map<String, String> problems, String notice, String csrf) {
        StringBuilder body = new StringBuilder();
        if (notice != null) {
            body.append("<p class=\"bad\">").append(text(notice)).append("</p>");
        }
        body.append("<p>The provider must know this console's redirect URI. Register it for your client (a web"
                + " application, with a client secret):</p><p><code>").append(text(callbackUri.toString()))
                .append("</code></p><form class=\"wide\" method=\"post\" action=\"/connect/new\">")
                .append(Html.csrfField(csrf));
        field(body, problems, "name", "Name", input("text", "name", values.name(), "required maxlength=\"100\""
                + " autocomplete=\"off\" placeholder=\"me@example.com or work\""), null);
        field(body, problems, "email", "E-mail address", input("email", "email", values.email(),
                "autocomplete=\"email\""), "Optional: the provider's login page starts with it (login_hint), and a"
                        + " login as anyone else is refused.");
        StringBuilder select = new StringBuilder("<select name=\"provider\" id=\"provider\">");
        for (String provider : NewAccount.PROVIDERS) {
            select.append("<option value=\"").append(provider).append('"')
                    .append(provider.equals(values.provider()) ? " selected" : "").append('>')
                    .append(text(label(provider))).append("</option>");
        }
        field(body, problems, "provider", "Provider", select.append("</select>").toString(), null);
        field(body, problems, "issuer", "Issuer URL (other OpenID provider)", input("url", "issuer", values.issuer(),
                "placeholder=\"https://idp.example.com/realms/mail\""), "Its endpoints are read once from"
                        + " .well-known/openid-configuration.");
        field(body, problems, "tenant", "Tenant (Microsoft)", input("text", "tenant", values.tenant(),
                "placeholder=\"common\""), "common, organizations, consumers, a tenant ID or a domain.");
        field(body, problems, "client_id", "Client ID", input("text", "client_id", values.clientId(),
                "required autocomplete=\"off\""), null);
        field(body, problems, "client_secret", "Client secret", input("password", "client_secret", "",
                "required autocomplete=\"new-password\""), "Written to the config file (readable by you only), as"
                        + " oauthmail accounts add --client-secret does; never shown again.");
        field(body, problems, "scopes", "Scopes", input("text", "scopes", values.scopes(), "autocomplete=\"off\""),
                "Leave empty for the preset's: Google " + String.join(" ", Providers.google().scopes())
                        + "; Microsoft " + String.join(" ", Providers.microsoft(null).scopes())
                        + ". Another OpenID provider needs its own, e.g. openid email offline_access MAIL-SCOPE.");
        field(body, problems, "imap", "IMAP server", input("text", "imap", values.imap(), "autocomplete=\"off\""
                + " placeholder=\"mail.example.com:993\""), "Leave empty for Google and Microsoft. HOST:PORT, with"
                        + " :starttls or :tls if the port does not say it.");
        field(body, problems, "smtp", "SMTP server", input("text", "smtp", values.smtp(), "autocomplete=\"off\""
                + " placeholder=\"mail.example.com:587\""), "Leave empty for Google and Microsoft; 587 is STARTTLS,"
                        + " 465 TLS.");
        body.append("<p><button>Add and connect</button></p></form>");
        return Html.page("Connect a new account", body.toString(), true, csrf);
    }

    private static String label(String provider) {
        return switch (provider) {
            case "google" -> "Google";
            case "microsoft" -> "Microsoft 365 / Outlook";
            default -> "Other OpenID provider (issuer URL)";
        };
    }

    private static String input(String type, String name, String value, String more) {
        return "<input type=\"" + type + "\" name=\"" + name + "\" id=\"" + name + "\" value=\"" + text(value) + "\" "
                + more + ">";
    }

    private static void field(StringBuilder body, Map<String, String> problems, String name, String label,
            String control, String help) {
        body.append("<p class=\"field\"><label for=\"").append(name).append("\">").append(text(label)).append("</label>")
                .append(control);
        if (problems.containsKey(name)) {
            body.append("<span class=\"bad\" id=\"").append(name).append("-problem\">").append(text(problems.get(name)))
                    .append("</span>");
        } else if (help != null) {
            body.append("<small>").append(text(help)).append("</small>");
        }
        body.append("</p>");
    }
}
