package io.oauthmail.server.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Copies bytes both ways between two sockets, without buffering whole messages, until either side closes. */
final class Relay {

    private Relay() {
    }

    static void both(Socket a, Socket b, ExecutorService threads) throws IOException {
        Future<?> upstreamToClient = threads.submit(() -> copy(b, a));
        copy(a, b);
        upstreamToClient.cancel(true);
    }

    private static void copy(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException | UnsupportedOperationException ignored) {
                // SSL sockets cannot half-close; closing the session ends it
            }
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
