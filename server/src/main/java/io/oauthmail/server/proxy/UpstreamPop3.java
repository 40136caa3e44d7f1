package io.oauthmail.server.proxy;

import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.TlsMode;
import io.oauthmail.sasl.SaslFailure;
import io.oauthmail.sasl.XOAuth2;
import java.io.IOException;

/**
 * Logs in to the account's real POP3 server for the proxy with AUTH XOAUTH2: the initial response on the
 * AUTH line (Gmail), or on a second line after {@code +} (Microsoft's documented form).
 */
final class UpstreamPop3 {

    private UpstreamPop3() {
    }

    static UpstreamLink login(EventLoop loop, Account account, MailServer server, String token, SslContext tls,
            int timeoutMillis)
            throws IOException {
        UpstreamLink link = UpstreamLink.open(loop, server, tls, timeoutMillis);
        try {
            expectOk(link, "greeting");
            if (server.tls() == TlsMode.STARTTLS) {
                link.writeLine("STLS");
                expectOk(link, "STLS");
                link.startTls();
            }
            String response = XOAuth2.base64(account.mailUser(), token);
            boolean twoLine = server.host().endsWith("office365.com") || server.host().endsWith("outlook.com");
            link.writeLine(twoLine ? "AUTH XOAUTH2" : "AUTH XOAUTH2 " + response);
            String line = link.readLine();
            if (twoLine && line != null && line.startsWith("+")) {
                link.writeLine(response);
                line = link.readLine();
            }
            if (line != null && line.startsWith("+ ")) { // an error challenge: answer it, then read the refusal
                String diagnosis = SaslFailure.decode(line).map(SaslFailure::diagnosis).orElse(line);
                link.writeLine("");
                link.readLine();
                throw new TokenRefused(diagnosis);
            }
            if (line == null || !line.startsWith("+OK")) {
                throw new TokenRefused(line == null ? "the server closed the connection" : line);
            }
            return link;
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
    }

    private static void expectOk(UpstreamLink link, String what) throws IOException {
        String line = link.readLine();
        if (line == null || !line.startsWith("+OK")) {
            throw new IOException("unexpected " + what + " reply: " + line);
        }
    }
}
