package io.oauthmail.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus Mail's SMTP transport, refusing to authenticate when the server offers none of the account's SASL
 * mechanisms.
 *
 * <p>Why: when the mechanisms configured for SASL and the server's {@code AUTH} list do not meet, Angus logs
 * "SASL support failed" with a stack trace into the debug output and silently falls back to its own XOAUTH2, so a
 * forced OAUTHBEARER was quietly replaced by XOAUTH2. This transport checks the {@code AUTH} list of the EHLO that
 * precedes authentication (the one after STARTTLS where TLS is started) and stops with
 * {@link MechanismNotOffered}. Public because Jakarta Mail instantiates it by name.
 */
public class GuardedSmtpTransport extends SMTPTransport {

    private boolean tlsStarted;

    public GuardedSmtpTransport(Session session, URLName url) {
        super(session, url, url.getProtocol(), "smtps".equals(url.getProtocol()));
    }

    @Override
    protected void startTLS() throws MessagingException {
        super.startTLS();
        tlsStarted = true;
    }

    @Override
    protected boolean ehlo(String domain) throws MessagingException {
        boolean ok = super.ehlo(domain);
        String p = url.getProtocol();
        boolean beforeTls = "true".equals(session.getProperty("mail." + p + ".starttls.required")) && !tlsStarted;
        String mechanisms = session.getProperty("mail." + p + ".sasl.mechanisms");
        if (ok && !beforeTls && mechanisms != null) {
            MechanismNotOffered.require("SMTP", MechanismNotOffered.parse(mechanisms),
                    MechanismNotOffered.parse(getExtensionParameter("AUTH")));
        }
        return ok;
    }
}
