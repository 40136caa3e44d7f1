package io.oauthmail.server.proxy;

import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** One POP3 client before its login: CAPA, STLS, NOOP, QUIT, and {@code USER}/{@code PASS} or {@code AUTH PLAIN}. */
final class Pop3Session extends ProxySession {

    private static final int MAX_FAILED_LOGINS = 3;
    private static final Set<String> LOGIN_VERBS = Set.of("USER", "PASS", "AUTH", "APOP");

    private String user;
    private boolean awaitingPlain;

    Pop3Session(ProtocolProxy proxy) {
        super(proxy);
    }

    @Override
    void greet() {
        reply("+OK oauthmail POP3 proxy ready");
    }

    @Override
    void line(String line) {
        if (awaitingPlain) {
            awaitingPlain = false;
            String[] credentials = line.equals("*") ? null : LocalLogin.plain(line);
            if (credentials == null) {
                reply("-ERR authentication cancelled or malformed");
            } else {
                login(credentials[0], credentials[1]);
            }
            return;
        }
        String[] parts = line.split(" ", 2);
        String verb = parts[0].toUpperCase(Locale.ROOT);
        String argument = parts.length > 1 ? parts[1] : "";
        if (LOGIN_VERBS.contains(verb) && needsStartTls()) {
            reply("-ERR Must issue STLS first: logins need TLS here");
            return;
        }
        switch (verb) {
            case "CAPA" -> {
                reply("+OK capabilities follow");
                for (String capability : needsStartTls() ? List.of("STLS") : List.of("USER", "SASL PLAIN")) {
                    reply(capability);
                }
                reply(".");
            }
            case "STLS" -> {
                if (!needsStartTls()) {
                    reply("-ERR STLS is not offered here");
                } else {
                    startTls("+OK begin TLS negotiation", "-ERR nothing may follow STLS before the TLS handshake");
                }
            }
            case "USER" -> {
                user = argument;
                reply("+OK send PASS");
            }
            case "PASS" -> {
                if (user == null) {
                    reply("-ERR send USER first");
                } else {
                    login(user, argument);
                }
            }
            case "AUTH" -> auth(argument);
            case "NOOP" -> reply("+OK");
            case "QUIT" -> farewell("+OK bye");
            default -> reply("-ERR log in first (USER/PASS or AUTH PLAIN)");
        }
    }

    private void auth(String argument) {
        String[] parts = argument.trim().split(" +");
        if (!parts[0].equalsIgnoreCase("PLAIN")) {
            reply("-ERR only AUTH PLAIN is offered here");
        } else if (parts.length < 2) {
            awaitingPlain = true;
            reply("+ ");
        } else {
            String[] credentials = LocalLogin.plain(parts[1]);
            if (credentials == null) {
                reply("-ERR malformed PLAIN response");
            } else {
                login(credentials[0], credentials[1]);
            }
        }
    }

    @Override
    MailServer server(Account account) {
        return account.provider().pop3();
    }

    @Override
    UpstreamLink upstreamLogin(EventLoop loop, Account account, MailServer server, String token, SslContext tls)
            throws IOException {
        return UpstreamPop3.login(loop, account, server, token, tls, 30_000);
    }

    @Override
    void loginFailed(int failed) {
        user = null;
        if (failed >= MAX_FAILED_LOGINS) {
            farewell("-ERR [AUTH] authentication failed");
        } else {
            reply("-ERR [AUTH] authentication failed");
        }
    }

    @Override
    void upstreamRefused(Account account, Exception failure) {
        reply(UpstreamFailure.of(account, "the POP3 server", failure, clientAddress(), proxy.protocol()).pop3());
    }

    @Override
    void relay(Account account, UpstreamLink link) {
        reply("+OK logged in");
        Pop3Capabilities capabilities = new Pop3Capabilities();
        startRelay(link, capabilities.replies(), capabilities.commands());
    }
}
