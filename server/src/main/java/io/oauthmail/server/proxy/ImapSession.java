package io.oauthmail.server.proxy;

import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP client before its login: CAPABILITY, NOOP, ID, LOGOUT, STARTTLS, and the login with {@code LOGIN}
 * (atoms, quoted strings or literals) or {@code AUTHENTICATE PLAIN} (with or without an initial response).
 */
final class ImapSession extends ProxySession {

    private static final Logger LOG = LoggerFactory.getLogger(ImapSession.class);

    private static final int MAX_FAILED_LOGINS = 3;
    private static final String CAPABILITIES = "IMAP4rev1 AUTH=PLAIN SASL-IR ID";
    /** Before TLS on a STARTTLS listener (RFC 3501 6.2.1): no login mechanism, and LOGIN disabled. */
    private static final String CAPABILITIES_BEFORE_TLS = "IMAP4rev1 STARTTLS LOGINDISABLED ID";

    /** The tag of the login under way (or of the LOGIN whose literals are coming). */
    private String tag;
    /** A LOGIN waiting for its literals: its lines so far, and the literals. */
    private List<String> loginLines;
    private List<byte[]> literals;
    /** An AUTHENTICATE PLAIN waiting for its response line. */
    private boolean awaitingPlain;

    ImapSession(ProtocolProxy proxy) {
        super(proxy);
    }

    @Override
    void greet() {
        reply("* OK [CAPABILITY " + capabilities() + "] oauthmail IMAP proxy ready");
    }

    @Override
    void line(String line) {
        if (loginLines != null) {
            loginLines.add(line);
            continueLogin();
            return;
        }
        if (awaitingPlain) {
            awaitingPlain = false;
            String[] credentials = line.equals("*") ? null : LocalLogin.plain(line);
            if (credentials == null) {
                reply(tag + " BAD authentication cancelled or malformed");
            } else {
                login(credentials[0], credentials[1]);
            }
            return;
        }
        String[] parts = line.split(" ", 3);
        if (parts.length < 2) {
            reply("* BAD expected a tag and a command");
            return;
        }
        String tag = parts[0];
        String rest = parts.length > 2 ? parts[2] : "";
        String verb = parts[1].toUpperCase(Locale.ROOT);
        if ((verb.equals("LOGIN") || verb.equals("AUTHENTICATE")) && needsStartTls()) {
            reply(tag + " NO [PRIVACYREQUIRED] Must issue a STARTTLS command first");
            return;
        }
        switch (verb) {
            case "CAPABILITY" -> {
                reply("* CAPABILITY " + capabilities());
                reply(tag + " OK CAPABILITY completed");
            }
            case "NOOP" -> reply(tag + " OK NOOP completed");
            case "ID" -> {
                reply("* ID NIL");
                reply(tag + " OK ID completed");
            }
            case "LOGOUT" -> {
                reply("* BYE oauthmail IMAP proxy closing");
                farewell(tag + " OK LOGOUT completed");
            }
            case "LOGIN" -> {
                this.tag = tag;
                loginLines = new ArrayList<>(List.of(rest));
                literals = new ArrayList<>();
                continueLogin();
            }
            case "AUTHENTICATE" -> authenticate(tag, rest);
            case "STARTTLS" -> {
                if (!needsStartTls()) {
                    reply(tag + " BAD STARTTLS is not offered here");
                } else {
                    startTls(tag + " OK begin TLS negotiation now", tag + " BAD nothing may follow STARTTLS before the TLS handshake");
                }
            }
            default -> reply(tag + " BAD log in first (LOGIN or AUTHENTICATE PLAIN)");
        }
    }

    @Override
    void literal(byte[] bytes) {
        literals.add(bytes);
    }

    /** The LOGIN's last line came: wait for its next literal, or log in with its arguments. */
    private void continueLogin() {
        String last = loginLines.get(loginLines.size() - 1);
        try {
            ImapArguments.Literal literal = ImapArguments.literalAtEnd(last);
            if (literal != null) {
                if (literal.synchronizing()) {
                    reply("+ go ahead");
                }
                expectLiteral(literal.size());
                return;
            }
            List<String> arguments = ImapArguments.parse(loginLines, literals);
            loginLines = null;
            literals = null;
            if (arguments.size() != 2) {
                reply(tag + " BAD LOGIN takes a user name and a password");
                return;
            }
            login(arguments.get(0), arguments.get(1));
        } catch (ImapArguments.Malformed e) {
            loginLines = null;
            literals = null;
            LOG.warn("imap: BAD LOGIN from {}: {}", clientAddress().getHostAddress(), e.getMessage());
            reply(tag + " BAD " + e.getMessage());
        }
    }

    private void authenticate(String tag, String rest) {
        this.tag = tag;
        String[] parts = rest.trim().split(" +");
        if (!parts[0].equalsIgnoreCase("PLAIN")) {
            reply(tag + " NO [CANNOT] only AUTHENTICATE PLAIN is offered here");
            return;
        }
        if (parts.length < 2) {
            awaitingPlain = true;
            reply("+ ");
            return;
        }
        String[] credentials = LocalLogin.plain(parts[1]);
        if (credentials == null) {
            reply(tag + " BAD malformed PLAIN response");
        } else {
            login(credentials[0], credentials[1]);
        }
    }

    @Override
    MailServer server(Account account) {
        return account.provider().imap();
    }

    @Override
    UpstreamLink upstreamLogin(EventLoop loop, Account account, MailServer server, String token, SslContext tls)
            throws IOException {
        return UpstreamImap.login(loop, account, server, token, tls, 30_000);
    }

    @Override
    void loginFailed(int failed) {
        reply(tag + " NO [AUTHENTICATIONFAILED] authentication failed");
        if (failed >= MAX_FAILED_LOGINS) {
            farewell("* BYE too many failed logins");
        }
    }

    @Override
    void upstreamRefused(Account account, Exception failure) {
        reply(UpstreamFailure.of(account, "the IMAP server", failure, clientAddress(), proxy.protocol()).imap(tag));
    }

    @Override
    void relay(Account account, UpstreamLink link) {
        reply(tag + " OK LOGIN completed");
        ImapSessionKeeper keeper = new ImapSessionKeeper(this, account, ctx.channel());
        keeper.started(startRelay(link, new ImapCapabilities(keeper), new ImapCommandWatch(keeper)), link);
    }

    /** After STARTTLS the client asks again, and gets the list for the TLS session (RFC 3501 6.2.1). */
    private String capabilities() {
        return needsStartTls() ? CAPABILITIES_BEFORE_TLS : CAPABILITIES;
    }
}
