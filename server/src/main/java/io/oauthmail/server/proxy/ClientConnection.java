package io.oauthmail.server.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/**
 * A local client's connection before its login: plain or TLS, and upgraded in place by STARTTLS (STLS), after
 * which every read and write goes through TLS. The protocols ask it whether a login may be taken yet.
 */
final class ClientConnection implements AutoCloseable {

    private final LocalTls tls;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    ClientConnection(Socket socket, LocalTls tls) throws IOException {
        this.tls = tls;
        use(socket);
    }

    Socket socket() {
        return socket;
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    /** True until TLS is up on a STARTTLS listener: offer STARTTLS, refuse logins. */
    boolean needsStartTls() {
        return tls.mode() == LocalTls.Mode.STARTTLS && !(socket instanceof SSLSocket);
    }

    /**
     * Answers a STARTTLS command with {@code goAhead} and does the handshake; false (after {@code refusal}) when
     * the client sent anything after the command. Bytes pipelined behind STARTTLS arrive in the clear, yet a
     * server that reads them after the handshake treats them as sent over TLS: the injection of CVE-2011-0411.
     * Lines reads without read-ahead, so such bytes are still in the socket; refusing them ends the session.
     */
    boolean startTls(String goAhead, String refusal) throws IOException {
        if (in.available() > 0) {
            Lines.write(out, refusal);
            return false;
        }
        Lines.write(out, goAhead);
        use(tls.secure(socket));
        return true;
    }

    /** Closes the connection, TLS first where it is up (so the client gets its close_notify). */
    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void use(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }
}
