package io.oauthmail.server.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A raw SMTP client for the cases a real client library will not produce: malformed addresses, a client that
 * leaves mid-DATA, commands without AUTH. Each call returns the server's whole reply (its lines joined by \n).
 */
final class SmtpDialog implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    final String greeting;

    SmtpDialog(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(20_000);
        socket.setTcpNoDelay(true); // as real clients do: DATA and its final dot go out without waiting for an ACK
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        out = socket.getOutputStream();
        greeting = reply();
    }

    String send(String line) throws IOException {
        write(line);
        return reply();
    }

    void write(String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    String reply() throws IOException {
        StringBuilder reply = new StringBuilder();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("the server closed the connection after: " + reply);
            }
            reply.append(reply.length() > 0 ? "\n" : "").append(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return reply.toString();
    }

    /** EHLO and AUTH PLAIN; returns the AUTH reply. */
    String login(String name, String password) throws IOException {
        send("EHLO test.example");
        return send("AUTH PLAIN " + Base64.getEncoder().encodeToString(("\0" + name + "\0" + password)
                .getBytes(StandardCharsets.UTF_8)));
    }

    /** MAIL, one RCPT, DATA with {@code body} (lines without a lone dot); returns the reply after the final dot. */
    String sendMail(String from, String to, String body) throws IOException {
        String mail = send("MAIL FROM:<" + from + ">");
        if (!mail.startsWith("250")) {
            return mail;
        }
        String rcpt = send("RCPT TO:<" + to + ">");
        if (!rcpt.startsWith("250")) {
            return rcpt;
        }
        String data = send("DATA");
        if (!data.startsWith("354")) {
            return data;
        }
        write(body);
        return send(".");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
