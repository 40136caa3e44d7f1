package io.oauthmail.provider;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An OAuth 2.0 mail provider: its endpoints, the scopes mail needs, and its mail servers.
 *
 * @param name                  short name, e.g. {@code google}
 * @param authorizationEndpoint where the browser is sent to log in
 * @param tokenEndpoint         where codes and refresh tokens are exchanged
 * @param revocationEndpoint    where a grant is revoked, or {@code null} where the provider has none
 * @param scopes                the scopes requested at login (mail scopes, plus {@code offline_access} or
 *                              OpenID scopes where the provider needs them)
 * @param imap                  the IMAP server, or {@code null}
 * @param pop3                  the POP3 server, or {@code null}
 * @param smtp                  the SMTP submission server, or {@code null}
 */
public record Provider(String name, URI authorizationEndpoint, URI tokenEndpoint, URI revocationEndpoint,
        List<String> scopes, MailServer imap, MailServer pop3, MailServer smtp) {

    public Provider {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(authorizationEndpoint, "authorizationEndpoint");
        Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        scopes = List.copyOf(scopes);
    }

    public Optional<URI> revocation() {
        return Optional.ofNullable(revocationEndpoint);
    }

    /** The same provider with another SMTP server (e.g. implicit TLS on 465 instead of STARTTLS on 587). */
    public Provider withSmtp(MailServer server) {
        return new Provider(name, authorizationEndpoint, tokenEndpoint, revocationEndpoint, scopes, imap, pop3, server);
    }
}
