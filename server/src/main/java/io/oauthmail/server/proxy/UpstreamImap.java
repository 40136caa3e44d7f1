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
 * Logs in to the account's real IMAP server for the proxy with AUTHENTICATE XOAUTH2 or OAUTHBEARER, and hands
 * back the authenticated connection for the byte relay (by hand for the same reason as {@link UpstreamSmtp}).
 */
final class UpstreamImap {

    private UpstreamImap() {
    }

    static UpstreamLink login(EventLoop loop, Account account, MailServer server, String token, SslContext tls,
            int timeoutMillis)
            throws IOException {
        UpstreamLink link = UpstreamLink.open(loop, server, tls, timeoutMillis);
        try {
            String greeting = link.readLine();
            if (greeting == null || !greeting.startsWith("* OK")) {
                throw new IOException("unexpected greeting: " + greeting);
            }
            if (server.tls() == TlsMode.STARTTLS) {
                command(link, "o0", "STARTTLS");
                link.startTls();
            }
            String capabilities = command(link, "o1", "CAPABILITY").toUpperCase(Locale.ROOT);
            String mechanism = account.saslMechanisms().stream().filter(m -> capabilities.contains("AUTH=" + m))
                    .findFirst().orElseThrow(() -> new IOException(server + " offers neither AUTH=XOAUTH2 nor AUTH=OAUTHBEARER"));
            String response = mechanism.equals("XOAUTH2") ? XOAuth2.base64(account.mailUser(), token)
                    : OAuthBearer.base64(account.mailUser(), server.host(), server.port(), token);
            authenticate(link, mechanism, response, capabilities.contains("SASL-IR"));
            return link;
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
    }

    private static void authenticate(UpstreamLink link, String mechanism, String response, boolean initialResponse)
            throws IOException {
        link.writeLine("o2 AUTHENTICATE " + mechanism + (initialResponse ? " " + response : ""));
        boolean sent = initialResponse;
        String diagnosis = null;
        String line;
        while ((line = link.readLine()) != null) {
            if (line.startsWith("+")) {
                if (!sent) {
                    link.writeLine(response);
                    sent = true;
                } else {
                    diagnosis = SaslFailure.decode(line).map(SaslFailure::diagnosis).orElse(null);
                    link.writeLine(mechanism.equals("OAUTHBEARER") ? "AQ==" : "");
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
    private static String command(UpstreamLink link, String tag, String command) throws IOException {
        link.writeLine(tag + " " + command);
        StringBuilder untagged = new StringBuilder();
        String line;
        while ((line = link.readLine()) != null) {
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
