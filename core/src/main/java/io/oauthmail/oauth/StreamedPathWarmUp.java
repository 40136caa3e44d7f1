package io.oauthmail.oauth;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends one refresh-shaped request through {@link SendOnce}'s streamed path to a socket of this process on
 * loopback, before the first real refresh, so that the JDK's HTTP code that reads an answer is loaded and has run.
 *
 * <p>Why: in a fresh CLI process that code ran cold when the provider's answer came in, and the crash harness
 * ({@code bench/run CrashRefresh}) measured 7.8 ms p50 from the answer's last byte to the journaled answer, most
 * of it there; a process killed in that window loses a rotated refresh token. The warm-up costs some 10-30 ms in a
 * fresh JVM, spent before anything is sent, while the refresh token is still good. Nothing leaves the machine: the
 * request goes to 127.0.0.1, to a server socket that answers it and closes.
 *
 * <p>Once per JVM (the flag below is the JVM's state, not an object's: loaded classes stay loaded).
 */
final class StreamedPathWarmUp {

    private static final AtomicBoolean DONE = new AtomicBoolean();

    private StreamedPathWarmUp() {
    }

    static void run(SendOnce sender) {
        if (!DONE.compareAndSet(false, true)) {
            return;
        }
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(2_000);
            Thread answering = new Thread(() -> answerOnce(server), "oauthmail-warm-up");
            answering.setDaemon(true);
            answering.start();
            HTTPRequest request = new HTTPRequest(HTTPRequest.Method.POST,
                    URI.create("http://127.0.0.1:" + server.getLocalPort() + "/token"));
            request.setHeader("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
            request.setBody("grant_type=refresh_token&refresh_token=warm-up&client_id=warm-up");
            sender.send(request, true);
            answering.join(2_000);
        } catch (IOException | RuntimeException e) {
            // only a warm-up: the real request goes out as before
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answerOnce(ServerSocket server) {
        try (Socket client = server.accept()) {
            client.setSoTimeout(2_000);
            InputStream in = client.getInputStream();
            readRequest(in);
            byte[] body = AnswerParserWarmUp.sampleAnswer().getBytes(StandardCharsets.UTF_8);
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\nCache-Control: no-store\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            // the sending side gives up by itself
        }
    }

    /** Reads the head and as many body bytes as Content-Length says. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                break;
            }
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, "Content-Length:".length())) {
                length = Integer.parseInt(line.substring("Content-Length:".length()).strip());
            }
        }
        in.readNBytes(length);
    }
}
