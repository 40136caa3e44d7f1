package io.oauthmail.server.proxy;

import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.TlsMode;
import io.oauthmail.sasl.OAuthBearer;
import io.oauthmail.sasl.SaslFailure;
import io.oauthmail.sasl.XOAuth2;
import java.io.IOException;
import java.util.Locale;

/**
 * Logs in to the account's real SMTP server for the proxy and hands back the authenticated connection.
 * Written by hand because the proxy relays raw bytes after the login, and Jakarta Mail does not expose its
 * socket. TLS is always verified (host name included); STARTTLS is required where the server uses it.
 */
final class UpstreamSmtp {

    private UpstreamSmtp() {
    }

    static UpstreamLink login(EventLoop loop, Account account, MailServer server, String token, SslContext tls,
            int timeoutMillis)
            throws IOException {
        UpstreamLink link = UpstreamLink.open(loop, server, tls, timeoutMillis);
        try {
            expect(link, 220, "greeting");
            String capabilities = ehlo(link);
            if (server.tls() == TlsMode.STARTTLS) {
                if (!capabilities.contains("STARTTLS")) {
                    throw new IOException(server + " does not offer STARTTLS; oauthmail will not send a token in the clear");
                }
                link.writeLine("STARTTLS");
                expect(link, 220, "STARTTLS");
                link.startTls();
                capabilities = ehlo(link);
            }
            authenticate(account, server, token, link, capabilities);
            return link;
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
    }

    private static void authenticate(Account account, MailServer server, String token, UpstreamLink link, String capabilities)
            throws IOException {
        String offered = capabilities.toUpperCase(Locale.ROOT);
        String mechanism = account.saslMechanisms().stream().filter(m -> offered.matches("(?s).*AUTH[ =][^\\n]*\\b" + m + "\\b.*"))
                .findFirst().orElseThrow(() -> new IOException(server + " offers neither XOAUTH2 nor OAUTHBEARER"));
        String response = mechanism.equals("XOAUTH2") ? XOAuth2.base64(account.mailUser(), token)
                : OAuthBearer.base64(account.mailUser(), server.host(), server.port(), token);
        link.writeLine("AUTH " + mechanism + " " + response);
        String reply = finalLine(link);
        if (reply.startsWith("235")) {
            return;
        }
        String diagnosis = reply;
        if (reply.startsWith("334")) {
            diagnosis = SaslFailure.decode(reply).map(SaslFailure::diagnosis).orElse(reply);
            link.writeLine(mechanism.equals("OAUTHBEARER") ? "AQ==" : ""); // answer the challenge as each mechanism asks
            finalLine(link);
        }
        throw new TokenRefused(diagnosis);
    }

    private static String ehlo(UpstreamLink link) throws IOException {
        link.writeLine("EHLO oauthmail-proxy");
        StringBuilder all = new StringBuilder();
        String line;
        do {
            line = link.readLine();
            if (line == null || !line.startsWith("250")) {
                throw new IOException("unexpected EHLO reply: " + line);
            }
            all.append(line.substring(4)).append('\n');
        } while (line.length() > 3 && line.charAt(3) == '-');
        return all.toString();
    }

    private static void expect(UpstreamLink link, int code, String what) throws IOException {
        String line = finalLine(link);
        if (!line.startsWith(String.valueOf(code))) {
            throw new IOException("unexpected " + what + " reply: " + line);
        }
    }

    private static String finalLine(UpstreamLink link) throws IOException {
        String line;
        do {
            line = link.readLine();
            if (line == null) {
                throw new IOException("the server closed the connection");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }
}
