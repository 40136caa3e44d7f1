package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.TlsMode;
import io.oauthmail.sasl.SaslFailure;
import io.oauthmail.sasl.XOAuth2;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Logs in to the account's real POP3 server for the proxy with AUTH XOAUTH2: the initial response on the
 * AUTH line (Gmail), or on a second line after {@code +} (Microsoft's documented form).
 */
final class UpstreamPop3 {

    private UpstreamPop3() {
    }

    static Socket login(Account account, MailServer server, String token, SSLSocketFactory tls, int timeoutMillis)
            throws IOException {
        Socket socket = UpstreamSockets.open(server, tls, timeoutMillis);
        try {
            expectOk(socket.getInputStream(), "greeting");
            if (server.tls() == TlsMode.STARTTLS) {
                Lines.write(socket.getOutputStream(), "STLS");
                expectOk(socket.getInputStream(), "STLS");
                socket = UpstreamSockets.secure(tls, socket, server);
            }
            String response = XOAuth2.base64(account.mailUser(), token);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            boolean twoLine = server.host().endsWith("office365.com") || server.host().endsWith("outlook.com");
            Lines.write(out, twoLine ? "AUTH XOAUTH2" : "AUTH XOAUTH2 " + response);
            String line = Lines.read(in);
            if (twoLine && line != null && line.startsWith("+")) {
                Lines.write(out, response);
                line = Lines.read(in);
            }
            if (line != null && line.startsWith("+ ")) { // an error challenge: answer it, then read the refusal
                String diagnosis = SaslFailure.decode(line).map(SaslFailure::diagnosis).orElse(line);
                Lines.write(out, "");
                Lines.read(in);
                throw new TokenRefused(diagnosis);
            }
            if (line == null || !line.startsWith("+OK")) {
                throw new TokenRefused(line == null ? "the server closed the connection" : line);
            }
            socket.setSoTimeout(0);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static void expectOk(InputStream in, String what) throws IOException {
        String line = Lines.read(in);
        if (line == null || !line.startsWith("+OK")) {
            throw new IOException("unexpected " + what + " reply: " + line);
        }
    }
}
