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
 * Logs in to the account's real IMAP server for the proxy with AUTHENTICATE XOAUTH2 or OAUTHBEARER, and hands
 * back the authenticated socket for the byte relay (by hand for the same reason as {@link UpstreamSmtp}).
 */
final class UpstreamImap {

    private UpstreamImap() {
    }

    static Socket login(Account account, MailServer server, String token, SSLSocketFactory tls, int timeoutMillis)
            throws IOException {
        Socket socket = UpstreamSockets.open(server, tls, timeoutMillis);
        try {
            String greeting = Lines.read(socket.getInputStream());
            if (greeting == null || !greeting.startsWith("* OK")) {
                throw new IOException("unexpected greeting: " + greeting);
            }
            if (server.tls() == TlsMode.STARTTLS) {
                command(socket, "o0", "STARTTLS");
                socket = UpstreamSockets.secure(tls, socket, server);
            }
            String capabilities = command(socket, "o1", "CAPABILITY").toUpperCase(Locale.ROOT);
            String mechanism = account.saslMechanisms().stream().filter(m -> capabilities.contains("AUTH=" + m))
                    .findFirst().orElseThrow(() -> new IOException(server + " offers neither AUTH=XOAUTH2 nor AUTH=OAUTHBEARER"));
            String response = mechanism.equals("XOAUTH2") ? XOAuth2.base64(account.mailUser(), token)
                    : OAuthBearer.base64(account.mailUser(), server.host(), server.port(), token);
            authenticate(socket, mechanism, response, capabilities.contains("SASL-IR"));
            socket.setSoTimeout(0);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static void authenticate(Socket socket, String mechanism, String response, boolean initialResponse)
            throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        Lines.write(out, "o2 AUTHENTICATE " + mechanism + (initialResponse ? " " + response : ""));
        boolean sent = initialResponse;
        String diagnosis = null;
        String line;
        while ((line = Lines.read(in)) != null) {
            if (line.startsWith("+")) {
                if (!sent) {
                    Lines.write(out, response);
                    sent = true;
                } else {
                    diagnosis = SaslFailure.decode(line).map(SaslFailure::diagnosis).orElse(null);
                    Lines.write(out, mechanism.equals("OAUTHBEARER") ? "AQ==" : "");
                }
            } else if (line.startsWith("o2 OK")) {
                return;
            } else if (line.startsWith("o2 ")) {
                throw new TokenRefused(diagnosis != null ? diagnosis : line.substring(3));
            }
        }
        throw new IOException("the server closed the connection during the login");
    }

    /** Sends a tagged command; returns the untagged lines; throws unless it ends in OK. */
    private static String command(Socket socket, String tag, String command) throws IOException {
        Lines.write(socket.getOutputStream(), tag + " " + command);
        StringBuilder untagged = new StringBuilder();
        String line;
        while ((line = Lines.read(socket.getInputStream())) != null) {
            if (line.startsWith(tag + " ")) {
                if (!line.startsWith(tag + " OK")) {
                    throw new IOException(command + " failed: " + line);
                }
                return untagged.toString();
            }
            untagged.append(line).append('\n');
        }
        throw new IOException("the server closed the connection after " + command);
    }
}
