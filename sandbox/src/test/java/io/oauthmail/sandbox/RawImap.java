package io.oauthmail.sandbox;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IMAPS client on a bare TLS socket, for tests that look at the server's exact bytes: it reads whole responses
 * (literals included, each read in full or the read fails) and knows when each arrived.
 */
final class RawImap implements AutoCloseable {

    /** One server response: its text (a literal's data shown as {@code <n bytes>}) and when it was read. */
    record Response(String text, long receivedAtMillis, long literalBytes) {
    }

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)}$");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tags;

    RawImap(Sandbox sandbox) throws IOException {
        socket = sandbox.clientTlsContext().getSocketFactory()
                .createSocket(sandbox.imaps().host(), sandbox.imaps().port());
        socket.setSoTimeout(15_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        String greeting = read().text();
        if (!greeting.startsWith("* OK")) {
            throw new IOException("unexpected greeting: " + greeting);
        }
    }

    /** {@code AUTHENTICATE XOAUTH2} with an initial response; the tagged answer. */
    String authenticate(String user, String token) throws IOException {
        String response = Base64.getEncoder().encodeToString(
                ("user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001").getBytes(StandardCharsets.UTF_8));
        return command("AUTHENTICATE XOAUTH2 " + response);
    }

    /** Sends a command and reads up to its tagged answer, which it returns. */
    String command(String command) throws IOException {
        String tag = send(command);
        return untilTagged(tag).get(0);
    }

    /** Sends {@code tag command}; returns the tag. */
    String send(String command) throws IOException {
        String tag = "t" + (++tags);
        line(tag + " " + command);
        return tag;
    }

    /** Sends one line as it is (such as {@code DONE}). */
    void line(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads responses up to the one tagged {@code tag}; returns that one first, then the untagged ones. */
    List<String> untilTagged(String tag) throws IOException {
        List<String> untagged = new ArrayList<>();
        while (true) {
            String text = read().text();
            if (text.startsWith(tag + " ")) {
                untagged.add(0, text);
                return untagged;
            }
            untagged.add(text);
        }
    }

    /** The next response, waiting at most the socket's timeout. */
    Response read() throws IOException {
        StringBuilder text = new StringBuilder();
        long literalBytes = 0;
        while (true) {
            String line = rawLine();
            Matcher literal = LITERAL.matcher(line);
            if (!literal.find()) {
                text.append(line);
                return new Response(text.toString(), System.currentTimeMillis(), literalBytes);
            }
            int length = Integer.parseInt(literal.group(1));
            byte[] data = in.readNBytes(length);
            if (data.length < length) {
                throw new EOFException("the connection ended inside a literal: " + data.length + " of " + length);
            }
            literalBytes += length;
            text.append(line, 0, literal.start()).append('<').append(length).append(" bytes>");
        }
    }

    /** The next response if one comes within {@code wait}, else null. */
    Response readWithin(Duration wait) throws IOException {
        int before = socket.getSoTimeout();
        socket.setSoTimeout((int) wait.toMillis());
        try {
            return read();
        } catch (SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(before);
        }
    }

    /** Whether the server has closed the connection: the next read finds its end (within the socket timeout). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset: closed as well
        }
    }

    private String rawLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        throw new EOFException(line.size() == 0 ? "connection closed" : "connection closed mid-line: " + line);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
