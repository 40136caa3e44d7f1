package io.oauthmail.server.proxy;

import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import java.io.IOException;
import java.util.Locale;

/**
 * One SMTP client before its login: EHLO/HELO, STARTTLS, NOOP, RSET, QUIT, and the login with {@code AUTH PLAIN}
 * (with or without an initial response) or {@code AUTH LOGIN}. Mail commands before the login are refused: the
 * proxy is never an open relay.
 */
final class SmtpSession extends ProxySession {

    private static final int MAX_FAILED_LOGINS = 3;

    /** Where an AUTH exchange stands: which line the client owes next. */
    private enum Awaiting {
        COMMAND, PLAIN_RESPONSE, LOGIN_USER, LOGIN_PASSWORD
    }

    /** RFC 3207: after STARTTLS the client says EHLO again, and the server forgets the first. */
    private boolean greeted;
    private Awaiting awaiting = Awaiting.COMMAND;
    private String user;

    SmtpSession(ProtocolProxy proxy) {
        super(proxy);
    }

    @Override
    void greet() {
        reply("220 localhost oauthmail SMTP proxy ready");
    }

    @Override
    void line(String line) {
        if (awaiting != Awaiting.COMMAND) {
            authStep(line);
            return;
        }
        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line.toUpperCase(Locale.ROOT);
        switch (verb) {
            case "EHLO" -> {
                greeted = true;
                reply("250-localhost oauthmail SMTP proxy");
                reply(needsStartTls() ? "250 STARTTLS" : "250 AUTH PLAIN LOGIN");
            }
            case "HELO" -> {
                greeted = true;
                reply("250 localhost");
            }
            case "STAR" -> {
                if (!line.trim().equalsIgnoreCase("STARTTLS") || !needsStartTls()) {
                    reply("503 5.5.1 STARTTLS is not offered here");
                } else if (startTls("220 2.0.0 ready to start TLS", "501 5.5.2 nothing may follow STARTTLS before the TLS handshake")) {
                    greeted = false;
                }
            }
            case "NOOP", "RSET" -> reply("250 2.0.0 OK");
            case "QUIT" -> farewell("221 2.0.0 bye");
            case "AUTH" -> auth(line);
            case "MAIL", "RCPT", "DATA", "BDAT" -> reply(needsStartTls()
                    ? "530 5.7.0 Must issue a STARTTLS command first" : "530 5.7.0 log in first (AUTH PLAIN or AUTH LOGIN)");
            default -> reply("502 5.5.2 command not recognised before login");
        }
    }

    private void auth(String line) {
        if (needsStartTls()) {
            reply("530 5.7.0 Must issue a STARTTLS command first");
            return;
        }
        if (!greeted) {
            reply("503 5.5.1 send EHLO first");
            return;
        }
        String[] parts = line.trim().split(" +");
        String mechanism = parts.length > 1 ? parts[1].toUpperCase(Locale.ROOT) : "";
        switch (mechanism) {
            case "PLAIN" -> {
                if (parts.length > 2) {
                    plain(parts[2]);
                } else {
                    awaiting = Awaiting.PLAIN_RESPONSE;
                    reply("334 ");
                }
            }
            case "LOGIN" -> {
                if (parts.length > 2) {
                    loginUser(parts[2]);
                } else {
                    awaiting = Awaiting.LOGIN_USER;
                    reply("334 VXNlcm5hbWU6");
                }
            }
            default -> reply("504 5.5.4 unrecognised authentication type (use PLAIN or LOGIN)");
        }
    }

    private void authStep(String line) {
        Awaiting step = awaiting;
        awaiting = Awaiting.COMMAND;
        if (line.equals("*")) {
            reply("501 5.7.0 authentication cancelled");
            return;
        }
        switch (step) {
            case PLAIN_RESPONSE -> plain(line);
            case LOGIN_USER -> loginUser(line);
            case LOGIN_PASSWORD -> {
                String password = LocalLogin.decode(line);
                if (password == null) {
                    reply("501 5.5.2 malformed base64");
                } else {
                    login(user, password);
                }
            }
            default -> throw new IllegalStateException(step.name());
        }
    }

    private void plain(String response) {
        String[] credentials = LocalLogin.plain(response);
        if (credentials == null) {
            reply("501 5.5.2 malformed PLAIN response");
        } else {
            login(credentials[0], credentials[1]);
        }
    }

    private void loginUser(String base64) {
        user = LocalLogin.decode(base64);
        if (user == null) {
            reply("501 5.5.2 malformed base64");
            return;
        }
        awaiting = Awaiting.LOGIN_PASSWORD;
        reply("334 UGFzc3dvcmQ6");
    }

    @Override
    MailServer server(Account account) {
        return account.provider().smtp();
    }

    @Override
    UpstreamLink upstreamLogin(EventLoop loop, Account account, MailServer server, String token, SslContext tls)
            throws IOException {
        return UpstreamSmtp.login(loop, account, server, token, tls, 30_000);
    }

    @Override
    void loginFailed(int failed) {
        reply("535 5.7.8 authentication failed");
        if (failed >= MAX_FAILED_LOGINS) {
            farewell("421 4.7.0 too many failed logins");
        }
    }

    @Override
    void upstreamRefused(Account account, Exception failure) {
        MailServer server = proxy.options.upstream().orElse(account.provider().smtp());
        reply(UpstreamFailure.of(account, String.valueOf(server), failure, clientAddress(), proxy.protocol()).smtp());
    }

    @Override
    void relay(Account account, UpstreamLink link) {
        reply("235 2.7.0 authenticated");
        startRelay(link, new SmtpCapabilities(), StreamFilter.NONE);
    }
}
