package io.oauthmail.mail;

import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;

/**
 * Angus Mail's IMAP store, refusing to log in when the server does not offer the OAuth mechanism.
 *
 * <p>Why: when none of the configured mechanisms matches the server's, Angus falls back to a plain
 * {@code LOGIN user password}, which would send the access token to the server as a password. This store
 * checks the capabilities just before authentication and stops instead. Public because Jakarta Mail
 * instantiates it by name ({@code mail.imap(s).class}).
 */
public class GuardedImapStore extends IMAPStore {

    public GuardedImapStore(Session session, URLName url) {
        super(session, url, url.getProtocol(), "imaps".equals(url.getProtocol()));
    }

    @Override
    protected void preLogin(IMAPProtocol protocol) throws ProtocolException {
        String mechanisms = session.getProperty("mail." + url.getProtocol() + ".sasl.mechanisms");
        if (mechanisms == null) {
            mechanisms = session.getProperty("mail." + url.getProtocol() + ".auth.mechanisms");
        }
        if (mechanisms == null) {
            return;
        }
        for (String mechanism : mechanisms.trim().split("\\s+")) {
            if (protocol.hasCapability("AUTH=" + mechanism.toUpperCase(java.util.Locale.ROOT))) {
                return;
            }
        }
        throw new ProtocolException("the IMAP server offers none of " + mechanisms
                + " (its capabilities lack AUTH=XOAUTH2 and AUTH=OAUTHBEARER); oauthmail will not send the access"
                + " token as a password");
    }
}
