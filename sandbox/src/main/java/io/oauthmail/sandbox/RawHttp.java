package io.oauthmail.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Just enough HTTP/1.1 for {@link OAuthFront}: read one request (Content-Length bodies only, which is what
 * every OAuth client sends for a form), write one answer. Hand-written rather than an HTTP server library
 * because the front must control the socket byte for byte: close it without answering, or note the instant
 * the last byte of an answer was written.
 */
final class RawHttp {

    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 1024 * 1024;

    /** One request; header names in lower case, in the order received. */
    record Request(String method, String target, String version, Map<String, List<String>> headers, byte[] body) {

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** The path without the query. */
        String path() {
            int query = target.indexOf('?');
            return query < 0 ? target : target.substring(0, query);
        }

        boolean keepAlive() {
            String connection = header("connection");
            if (connection != null) {
                return !connection.toLowerCase(Locale.ROOT).contains("close");
            }
            return "HTTP/1.1".equals(version);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** One answer; {@code headers} must not carry Content-Length, Connection or Transfer-Encoding. */
    record Answer(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    }

    /** A request the front refuses to parse: answered with {@code status} and the connection closed. */
    static final class BadRequest extends IOException {
        final int status;

        BadRequest(int status, String why) {
            super(why);
            this.status = status;
        }
    }

    private RawHttp() {
    }

    /** The next request on a connection, or null when the client closed it cleanly between requests. */
    static Request read(InputStream in, OutputStream out) throws IOException {
        String requestLine = line(in, true);
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new BadRequest(400, "not an HTTP/1.x request line");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int headBytes = requestLine.length();
        for (String header = line(in, false); !header.isEmpty(); header = line(in, false)) {
            headBytes += header.length();
            int colon = header.indexOf(':');
            if (colon <= 0 || headBytes > MAX_HEAD_BYTES) {
                throw new BadRequest(400, "malformed or oversized request head");
            }
            headers.computeIfAbsent(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(header.substring(colon + 1).trim());
        }
        Request head = new Request(parts[0], parts[1], parts[2], headers, new byte[0]);
        if (head.header("transfer-encoding") != null) {
            throw new BadRequest(411, "chunked request bodies are not supported; send Content-Length");
        }
        int length = contentLength(head.header("content-length"));
        if ("100-continue".equalsIgnoreCase(head.header("expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("the client closed the connection in the middle of a request body");
        }
        return new Request(parts[0], parts[1], parts[2], headers, body);
    }

    /** Writes the whole answer and flushes it: when this returns, its last byte has been handed to the socket. */
    static void write(OutputStream out, Answer answer, boolean close) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(answer.status()).append(' ')
                .append(reason(answer.status())).append("\r\n");
        for (Map.Entry<String, String> header : answer.headers()) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        head.append("Content-Length: ").append(answer.body().length).append("\r\n");
        if (close) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(head.length() + answer.body().length);
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        bytes.writeBytes(answer.body());
        out.write(bytes.toByteArray());
        out.flush();
    }

    private static int contentLength(String value) throws BadRequest {
        if (value == null) {
            return 0;
        }
        try {
            int length = Integer.parseInt(value.trim());
            if (length < 0 || length > MAX_BODY_BYTES) {
                throw new BadRequest(413, "request body too large");
            }
            return length;
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "bad Content-Length");
        }
    }

    /** A CRLF- (or LF-) terminated line; null only at a clean end of stream before a new request. */
    private static String line(InputStream in, boolean endAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                if (endAllowed && line.size() == 0) {
                    return null;
                }
                throw new EOFException("the client closed the connection in the middle of a request head");
            }
            if (line.size() > MAX_HEAD_BYTES) {
                throw new BadRequest(400, "request head line too long");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 302: return "Found";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 404: return "Not Found";
            case 411: return "Length Required";
            case 413: return "Payload Too Large";
            case 429: return "Too Many Requests";
            case 500: return "Internal Server Error";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            default: return "Status " + status;
        }
    }
}
