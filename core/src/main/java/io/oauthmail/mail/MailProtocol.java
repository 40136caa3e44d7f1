package io.oauthmail.mail;

import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.TlsMode;
import java.util.Optional;

/** The three mail protocols, and the Jakarta Mail protocol name each uses with a given TLS mode. */
public enum MailProtocol {
    SMTP, IMAP, POP3;

    /** {@code smtps} for implicit TLS, {@code smtp} for STARTTLS or plain; likewise for IMAP and POP3. */
    String jakartaName(TlsMode tls) {
        String base = name().toLowerCase(java.util.Locale.ROOT);
        return tls == TlsMode.IMPLICIT ? base + "s" : base;
    }

    /** The account's server for this protocol, if its provider has one. */
    public Optional<MailServer> serverOf(Account account) {
        return Optional.ofNullable(switch (this) {
            case SMTP -> account.provider().smtp();
            case IMAP -> account.provider().imap();
            case POP3 -> account.provider().pop3();
        });
    }
}
