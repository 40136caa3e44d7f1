package io.oauthmail.provider;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An OAuth 2.0 mail provider: its endpoints, the scopes mail needs, its mail servers and its quirks.
 *
 * @param name      short name, e.g. {@code google}
 * @param endpoints the OAuth endpoints
 * @param scopes    the scopes requested at login (mail scopes, plus {@code offline_access} or OpenID scopes
 *                  where the provider needs them)
 * @param imap      the IMAP server, or {@code null}
 * @param pop3      the POP3 server, or {@code null}
 * @param smtp      the SMTP submission server, or {@code null}
 * @param quirks    what it does differently
 */
public record Provider(String name, OAuthEndpoints endpoints, List<String> scopes, MailServer imap, MailServer pop3,
        MailServer smtp, Set<Quirk> quirks) {

    public Provider {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpoints, "endpoints");
        scopes = List.copyOf(scopes);
        quirks = quirks == null ? Set.of() : Set.copyOf(quirks);
    }

    public boolean has(Quirk quirk) {
        return quirks.contains(quirk);
    }

    /** The same provider with another SMTP server (e.g. implicit TLS on 465 instead of STARTTLS on 587). */
    public Provider withSmtp(MailServer server) {
        return new Provider(name, endpoints, scopes, imap, pop3, server, quirks);
    }

    /** The same provider with other mail servers (any of them {@code null} to keep the current one). */
    public Provider withServers(MailServer imap, MailServer pop3, MailServer smtp) {
        return new Provider(name, endpoints, scopes, imap != null ? imap : this.imap, pop3 != null ? pop3 : this.pop3,
                smtp != null ? smtp : this.smtp, quirks);
    }

    public Provider withScopes(List<String> other) {
        return new Provider(name, endpoints, other, imap, pop3, smtp, quirks);
    }

    public Provider withEndpoints(OAuthEndpoints other) {
        return new Provider(name, other, scopes, imap, pop3, smtp, quirks);
    }
}
