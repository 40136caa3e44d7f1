package io.oauthmail.mail;

import io.oauthmail.account.Account;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.TlsMode;
import io.oauthmail.sasl.BearerSaslFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSocketFactory;

/**
 * The Jakarta Mail properties of an account's connection: its server, SASL with oauthmail's XOAUTH2 and
 * OAUTHBEARER clients (never a password mechanism), timeouts, verified TLS and required STARTTLS.
 */
final class MailProperties {

    private final Duration timeout;
    /**
     * TLS socket factories by extra CA file: building one reads the file and sets up a TLS context, far too slow
     * to do per message (measured: it capped a one-connection sender at ~90 messages/s).
     */
    private final Map<Optional<Path>, SSLSocketFactory> socketFactories = new ConcurrentHashMap<>();

    MailProperties(Duration timeout) {
        this.timeout = timeout;
    }

    Properties of(Account account, MailProtocol protocol, MailServer server) {
        String p = protocol.jakartaName(server.tls());
        Properties props = new Properties();
        props.put("mail." + p + ".host", server.host());
        props.put("mail." + p + ".port", String.valueOf(server.port()));
        if (protocol == MailProtocol.POP3) {
            // Jakarta Mail's POP3 has no SASL: its own XOAUTH2 only (Microsoft wants the token on a second line).
            props.put("mail." + p + ".auth.mechanisms", "XOAUTH2");
            props.put("mail." + p + ".auth.xoauth2.two.line.authentication.format",
                    String.valueOf(server.host().endsWith("office365.com") || server.host().endsWith("outlook.com")));
        } else {
            // SMTP and IMAP go through SASL with oauthmail's XOAUTH2 and OAUTHBEARER clients: the server's
            // capabilities choose among the account's mechanisms, and a failure challenge is answered properly.
            BearerSaslFactory.install();
            props.put("mail." + p + ".sasl.enable", "true");
            props.put("mail." + p + ".sasl.mechanisms", String.join(" ", account.saslMechanisms()));
            props.put("mail." + p + ".sasl.usecanonicalhostname", "false");
            props.put(BearerSaslFactory.PORT, String.valueOf(server.port()));
            // Angus's own mechanisms if SASL is unavailable: XOAUTH2 is the only one, so a forced OAUTHBEARER
            // can never fall back to it
            props.put("mail." + p + ".auth.mechanisms", String.join(" ", account.saslMechanisms()));
        }
        props.put("mail." + p + ".auth.login.disable", "true");
        props.put("mail." + p + ".auth.plain.disable", "true");
        props.put("mail." + p + ".auth.ntlm.disable", "true");
        props.put("mail." + p + ".connectiontimeout", String.valueOf(timeout.toMillis()));
        props.put("mail." + p + ".timeout", String.valueOf(timeout.toMillis()));
        props.put("mail." + p + ".writetimeout", String.valueOf(timeout.toMillis()));
        if (server.tls() != TlsMode.PLAIN) {
            props.put("mail." + p + ".ssl.socketFactory", socketFactory(account));
            props.put("mail." + p + ".ssl.checkserveridentity", "true");
        }
        if (server.tls() == TlsMode.STARTTLS) {
            props.put("mail." + p + ".starttls.enable", "true");
            props.put("mail." + p + ".starttls.required", "true");
        }
        if (protocol == MailProtocol.SMTP) {
            props.put("mail." + p + ".auth", "true");
            props.put("mail.transport.protocol", p);
        }
        return props;
    }

    SSLSocketFactory socketFactory(Account account) {
        return socketFactories.computeIfAbsent(account.ca(), ca -> TlsTrust.socketFactory(ca.orElse(null)));
    }

    static MailServer server(Account account, MailProtocol protocol) {
        return protocol.serverOf(account).orElseThrow(() -> new OAuthMailException(
                "account " + account.name() + " has no " + protocol + " server configured",
                "set one with: oauthmail accounts add " + account.name() + " --" + protocol.name().toLowerCase(java.util.Locale.ROOT)
                        + " HOST:PORT"));
    }
}
