package io.oauthmail.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A minimal IMAP client for benchmarks: tagged commands, literals read as counted bytes, nothing parsed that
 * the bench does not need. Measures the path, not a client library's message model.
 */
final class RawImap implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tag;

    private RawImap(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(120_000);
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream());
        line(); // greeting
    }

    /** Implicit TLS with the host name checked, then AUTHENTICATE XOAUTH2 with {@code token}. */
    static RawImap xoauth2(String host, int port, SSLContext tls, String user, String token) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(host, port);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        RawImap imap = new RawImap(socket);
        String sasl = Base64.getEncoder().encodeToString(
                ("user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001").getBytes(StandardCharsets.UTF_8));
        imap.command("AUTHENTICATE XOAUTH2 " + sasl);
        return imap;
    }

    /** Plain TCP (the proxy's loopback port), then LOGIN with the local password. */
    static RawImap login(String host, int port, String user, String password) throws IOException {
        RawImap imap = new RawImap(new Socket(host, port));
        imap.command("LOGIN \"" + user + "\" \"" + password.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        return imap;
    }

    /** What a command answered: untagged EXISTS (if any), literals and their bytes. */
    record Answer(int exists, int literals, long literalBytes) {
    }

    /** Sends one command and reads to its tagged OK; anything else is an exception. */
    Answer command(String command) throws IOException {
        String t = "b" + (++tag);
        out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        int exists = -1;
        int literals = 0;
        long bytes = 0;
        while (true) {
            String line = line();
            if (line == null) {
                throw new IOException("connection closed during: " + command);
            }
            while (line.endsWith("}") && line.lastIndexOf('{') >= 0) {
                int size = Integer.parseInt(line.substring(line.lastIndexOf('{') + 1, line.length() - 1));
                in.readNBytes(size);
                literals++;
                bytes += size;
                line = line(); // the rest of the response after the literal
            }
            if (line.startsWith("* ") && line.endsWith(" EXISTS")) {
                exists = Integer.parseInt(line.substring(2, line.indexOf(' ', 2)));
            }
            if (line.startsWith(t + " ")) {
                if (!line.startsWith(t + " OK")) {
                    throw new IOException(command.split(" ")[0] + " failed: " + line);
                }
                return new Answer(exists, literals, bytes);
            }
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        try {
            command("LOGOUT");
        } catch (IOException ignored) {
            // closing anyway
        }
        socket.close();
    }
}
