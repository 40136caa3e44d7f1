package io.oauthmail.mail;

import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.TlsMode;
import io.oauthmail.sasl.OAuthBearer;
import io.oauthmail.sasl.SaslFailure;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A POP3 login with {@code AUTH OAUTHBEARER} (RFC 7628 over RFC 5034's AUTH), because Angus Mail's POP3 client
 * knows only its own XOAUTH2 and has no SASL: without this, a forced OAUTHBEARER went out as XOAUTH2. It does what
 * a login check needs and no more: TLS (implicit or STLS, the server's name verified), CAPA, the mechanism checked
 * against the server's {@code SASL} list, the login, QUIT. A refusal is an {@link AuthenticationFailedException},
 * as from Jakarta Mail, so the caller's one retry with a refreshed token works the same; the server's error
 * challenge is answered with {@code ^A} (RFC 7628 3.2.3) and kept in {@code failure}.
 */
final class Pop3BearerLogin {

    /** RFC 5034 4: an AUTH line with its initial response may not exceed 255 octets; longer goes after "+ ". */
    private static final int MAX_AUTH_LINE = 255;

    private final MailServer server;
    private final SSLSocketFactory tls;
    private final int timeoutMillis;
    private final PrintStream trace;
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    Pop3BearerLogin(MailServer server, SSLSocketFactory tls, int timeoutMillis, PrintStream trace) {
        this.server = server;
        this.tls = tls;
        this.timeoutMillis = timeoutMillis;
        this.trace = trace;
    }

    /** Logs in as {@code user} with {@code token}, then quits. */
    void login(String user, String token, AtomicReference<SaslFailure> failure) throws MessagingException {
        try {
            open();
            expectOk(readLine(), "greeting");
            if (server.tls() == TlsMode.STARTTLS) {
                send("STLS");
                expectOk(readLine(), "STLS");
                startTls(socket);
            }
            MechanismNotOffered.require("POP3", List.of("OAUTHBEARER"), saslMechanisms());
            authenticate(OAuthBearer.base64(user, server.host(), server.port(), token), failure);
            send("QUIT");
            readLine();
        } catch (IOException e) {
            throw new MessagingException("POP3 conversation failed: " + e.getMessage(), e);
        } finally {
            close();
        }
    }

    private void authenticate(String response, AtomicReference<SaslFailure> failure) throws IOException,
            AuthenticationFailedException {
        String line;
        if (("AUTH OAUTHBEARER " + response).length() <= MAX_AUTH_LINE) {
            send("AUTH OAUTHBEARER " + response);
            line = readLine();
        } else {
            send("AUTH OAUTHBEARER");
            line = readLine();
            if (line.startsWith("+")) {
                send(response);
                line = readLine();
            }
        }
        if (line.startsWith("+ ") || line.equals("+")) { // the error challenge: answer it, then read the refusal
            SaslFailure.decode(line).ifPresent(failure::set);
            send("AQ==");
            line = readLine();
        }
        if (!line.startsWith("+OK")) {
            throw new AuthenticationFailedException(line);
        }
    }

    /** The mechanisms of CAPA's {@code SASL} line (RFC 2449); none if the server has no CAPA. */
    private List<String> saslMechanisms() throws IOException {
        send("CAPA");
        if (!readLine().startsWith("+OK")) {
            return List.of();
        }
        List<String> mechanisms = new ArrayList<>();
        for (String line = readLine(); !line.equals("."); line = readLine()) {
            if (line.toUpperCase(java.util.Locale.ROOT).startsWith("SASL ")) {
                mechanisms.addAll(MechanismNotOffered.parse(line.substring(5)));
            }
        }
        return mechanisms;
    }

    private void open() throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(server.host(), server.port()), timeoutMillis);
        socket = plain;
        plain.setSoTimeout(timeoutMillis);
        if (server.tls() == TlsMode.IMPLICIT) {
            startTls(plain);
        } else {
            streams();
        }
    }

    private void startTls(Socket under) throws IOException {
        SSLSocket secure = (SSLSocket) tls.createSocket(under, server.host(), server.port(), true);
        SSLParameters parameters = secure.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the server
        secure.setSSLParameters(parameters);
        secure.startHandshake();
        socket = secure;
        streams();
    }

    private void streams() throws IOException {
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        out = socket.getOutputStream();
    }

    private void send(String line) throws IOException {
        traced(line);
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private String readLine() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("the server closed the connection");
        }
        traced(line);
        return line;
    }

    private void traced(String line) {
        if (trace != null) {
            trace.println(line);
        }
    }

    private static void expectOk(String line, String what) throws IOException {
        if (!line.startsWith("+OK")) {
            throw new IOException("unexpected " + what + " reply: " + line);
        }
    }

    private void close() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // the login is over either way
        }
    }
}
