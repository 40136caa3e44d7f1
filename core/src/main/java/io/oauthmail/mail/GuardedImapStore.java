package io.oauthmail.mail;

import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.util.List;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;

/**
 * Angus Mail's IMAP store, refusing to log in when the server does not offer the OAuth mechanism.
 *
 * <p>Why: when none of the configured mechanisms matches the server's, Angus falls back to a plain
 * {@code LOGIN user password}, which would send the access token to the server as a password. This store
 * checks the capabilities just before authentication and stops instead ({@link MechanismNotOffered}). Public
 * because Jakarta Mail instantiates it by name ({@code mail.imap(s).class}).
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
        List<String> offered = protocol.getCapabilities().keySet().stream()
                .filter(c -> c.toUpperCase(java.util.Locale.ROOT).startsWith("AUTH="))
                .map(c -> c.substring("AUTH=".length()).toUpperCase(java.util.Locale.ROOT)).distinct().toList();
        try {
            MechanismNotOffered.require("IMAP", MechanismNotOffered.parse(mechanisms), offered);
        } catch (MechanismNotOffered e) {
            throw new ProtocolException(e.getMessage() + "; oauthmail will not send the access token as a password", e);
        }
    }
}
