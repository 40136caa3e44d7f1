package io.oauthmail.server.web;

import org.eclipse.jetty.util.StringUtil;

/**
 * The console's pages: server-rendered HTML without JavaScript, a viewport for phones, the style sheet from
 * {@code /style.css} (an inline style would need its hash in the Content-Security-Policy). Every value from
 * outside (account names, addresses, reasons) goes through {@link #text}, so {@code <script>} shows as text.
 */
final class Html {

    static final String CSS = """
            body{font-family:system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;line-height:1.4}
            nav a{margin-right:1rem}
            table{border-collapse:collapse;width:100%}
            td,th{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
            th,nav{white-space:nowrap}
            @media (min-width:64rem){body{max-width:62rem}}
            .ok{color:#070}.bad{color:#a00}.warn{color:#a60}
            form{display:inline}
            form.wide{display:block}
            .field label{display:block;font-weight:600}
            .field input,.field select{width:100%;max-width:32rem;box-sizing:border-box}
            .field small,.field .bad{display:block}
            input,button,select{font-size:1rem;padding:.3rem .6rem;margin:.2rem .3rem .2rem 0}
            code{background:#eee;padding:.1rem .3rem}
            a.button{display:inline-block;border:1px solid #767676;border-radius:3px;background:#efefef;color:#000;padding:.3rem .6rem;text-decoration:none}
            @media (max-width:36rem){td,th{display:block;border:0}tr{display:block;border-bottom:1px solid #ccc}
            tr:first-child{display:none}td[data-label]::before{content:attr(data-label) ": "}}
            """;

    private Html() {
    }

    /** {@code value} escaped for HTML text and attribute values (Jetty's escaper: {@code & < > " '}). */
    static String text(String value) {
        return value == null ? "" : StringUtil.sanitizeXmlString(value);
    }

    /** A whole page; {@code body} is HTML already escaped. {@code nav}: the logged-in menu. */
    static String page(String title, String body, boolean nav, String csrf) {
        String menu = !nav ? "" : "<nav><a href=\"/accounts\">Accounts</a><a href=\"/connect\">Connect an account</a>"
                + "<form method=\"post\" action=\"/logout\">" + csrfField(csrf) + "<button>Log out</button></form></nav>";
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + text(title) + " - oauthmail</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body>"
                + menu + "<h1>" + text(title) + "</h1>" + body + "</body></html>";
    }

    static String csrfField(String csrf) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + text(csrf) + "\">";
    }

    /** A form that POSTs {@code account} to {@code action} with the session's CSRF token, as one button. */
    static String button(String action, String account, String label, String csrf) {
        return form(action, account, "", label, csrf);
    }

    /** Like {@link #button}, with {@code inputs} (HTML already escaped) before the button. */
    static String form(String action, String account, String inputs, String label, String csrf) {
        return "<form method=\"post\" action=\"" + action + "\">" + csrfField(csrf)
                + "<input type=\"hidden\" name=\"account\" value=\"" + text(account) + "\">" + inputs + "<button>"
                + text(label) + "</button></form>";
    }

    /** A link (GET) carrying {@code account} as its query parameter. */
    static String link(String path, String account, String label) {
        return "<a href=\"" + path + "?account=" + text(java.net.URLEncoder.encode(account, java.nio.charset.StandardCharsets.UTF_8))
                + "\">" + text(label) + "</a>";
    }
}
