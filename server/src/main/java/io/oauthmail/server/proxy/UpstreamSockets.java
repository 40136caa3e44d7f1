package io.oauthmail.server.proxy;

import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.TlsMode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** The connection every upstream login starts with: TCP with timeouts and no Nagle delay, and verified TLS. */
final class UpstreamSockets {

    private UpstreamSockets() {
    }

    /** Connected to {@code server}, already in TLS when the server uses implicit TLS. */
    static Socket open(MailServer server, SSLSocketFactory tls, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(server.host(), server.port()), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            return server.tls() == TlsMode.IMPLICIT ? secure(tls, socket, server) : socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Starts TLS on {@code plain} (after STARTTLS/STLS), checking that the certificate names the host. */
    static SSLSocket secure(SSLSocketFactory tls, Socket plain, MailServer server) throws IOException {
        SSLSocket socket = (SSLSocket) tls.createSocket(plain, server.host(), server.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }
}
