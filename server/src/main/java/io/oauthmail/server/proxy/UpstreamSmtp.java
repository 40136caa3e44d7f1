package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.TlsMode;
import io.oauthmail.sasl.OAuthBearer;
import io.oauthmail.sasl.SaslFailure;
import io.oauthmail.sasl.XOAuth2;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Locale;
import javax.net.ssl.SSLSocketFactory;

/**
 * Logs in to the account's real SMTP server for the proxy and hands back the authenticated socket.
 * Written by hand because the proxy relays raw bytes after the login, and Jakarta Mail does not expose its
 * socket. TLS is always verified (host name included); STARTTLS is required where the server uses it.
 */
final class UpstreamSmtp {

    private UpstreamSmtp() {
    }

    static Socket login(Account account, MailServer server, String token, SSLSocketFactory tls, int timeoutMillis)
            throws IOException {
        Socket socket = UpstreamSockets.open(server, tls, timeoutMillis);
        try {
            expect(socket.getInputStream(), 220, "greeting");
            String capabilities = ehlo(socket);
            if (server.tls() == TlsMode.STARTTLS) {
                if (!capabilities.contains("STARTTLS")) {
                    throw new IOException(server + " does not offer STARTTLS; oauthmail will not send a token in the clear");
                }
                Lines.write(socket.getOutputStream(), "STARTTLS");
                expect(socket.getInputStream(), 220, "STARTTLS");
                socket = UpstreamSockets.secure(tls, socket, server);
                capabilities = ehlo(socket);
            }
            authenticate(account, server, token, socket, capabilities);
            socket.setSoTimeout(0); // from here on the client sets the pace; the relay watches idleness
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static void authenticate(Account account, MailServer server, String token, Socket socket, String capabilities)
            throws IOException {
        String offered = capabilities.toUpperCase(Locale.ROOT);
        String mechanism = account.saslMechanisms().stream().filter(m -> offered.matches("(?s).*AUTH[ =][^\\n]*\\b" + m + "\\b.*"))
                .findFirst().orElseThrow(() -> new IOException(server + " offers neither XOAUTH2 nor OAUTHBEARER"));
        String response = mechanism.equals("XOAUTH2") ? XOAuth2.base64(account.mailUser(), token)
                : OAuthBearer.base64(account.mailUser(), server.host(), server.port(), token);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        Lines.write(out, "AUTH " + mechanism + " " + response);
        String reply = finalLine(in);
        if (reply.startsWith("235")) {
            return;
        }
        String diagnosis = reply;
        if (reply.startsWith("334")) {
            diagnosis = SaslFailure.decode(reply).map(SaslFailure::diagnosis).orElse(reply);
            Lines.write(out, mechanism.equals("OAUTHBEARER") ? "AQ==" : ""); // answer the challenge as each mechanism asks
            finalLine(in);
        }
        throw new TokenRefused(diagnosis);
    }

    private static String ehlo(Socket socket) throws IOException {
        Lines.write(socket.getOutputStream(), "EHLO oauthmail-proxy");
        StringBuilder all = new StringBuilder();
        String line;
        do {
            line = Lines.read(socket.getInputStream());
            if (line == null || !line.startsWith("250")) {
                throw new IOException("unexpected EHLO reply: " + line);
            }
            all.append(line.substring(4)).append('\n');
        } while (line.length() > 3 && line.charAt(3) == '-');
        return all.toString();
    }

    private static void expect(InputStream in, int code, String what) throws IOException {
        String line = finalLine(in);
        if (!line.startsWith(String.valueOf(code))) {
            throw new IOException("unexpected " + what + " reply: " + line);
        }
    }

    private static String finalLine(InputStream in) throws IOException {
        String line;
        do {
            line = Lines.read(in);
            if (line == null) {
                throw new IOException("the server closed the connection");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }
}
