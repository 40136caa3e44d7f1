package io.oauthmail.server.proxy;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies bytes both ways between the client and its logged-in upstream connection, through a
 * {@link StreamFilter} each way, without buffering whole messages, until either side closes or nothing has
 * moved either way for the idle limit. Writes are buffered and flushed when the input has nothing more ready,
 * so a large FETCH or RETR goes out in large writes, not one per read.
 */
final class Relay {

    /** The filters of one session and how long it may stay silent both ways. */
    record Rules(StreamFilter toClient, StreamFilter toServer, Duration idleLimit) {
    }

    private static final int BUFFER = 16 * 1024;
    /** How long a closing upstream gets to send its last reply (221, BYE) after the client has gone. */
    private static final long DRAIN_MILLIS = 5_000;
    private static final int ENDED = -1;
    private static final int IDLE = -2;

    private Relay() {
    }

    static void both(Socket client, Socket upstream, ExecutorService threads, Rules rules) throws IOException {
        AtomicLong lastActivity = new AtomicLong(System.nanoTime());
        Future<?> downstream = threads.submit(() -> {
            try {
                copy(upstream, client, rules.toClient(), lastActivity, null);
            } finally {
                close(client); // the client learns the session is over (after any goodbye the filter added)
                close(upstream);
            }
        });
        boolean idle = copy(client, upstream, rules.toServer(), lastActivity, rules.idleLimit());
        if (idle) {
            close(upstream); // the downstream copy ends, and tells the client why in its protocol
        } else {
            halfClose(upstream); // the client is done: let the server finish its last reply
        }
        try {
            downstream.get(DRAIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            downstream.cancel(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close(upstream);
            close(client);
        }
    }

    /**
     * Copies until the source ends (end of stream or a read error: either way the filter may add the protocol's
     * goodbye) or the destination fails; with an idle limit, also ends (returning true) once nothing has moved
     * either way for that long.
     */
    private static boolean copy(Socket from, Socket to, StreamFilter filter, AtomicLong lastActivity, Duration idleLimit) {
        byte[] buffer = new byte[BUFFER];
        long limit = idleLimit == null ? 0 : idleLimit.toNanos();
        try {
            InputStream in = from.getInputStream();
            OutputStream out = new BufferedOutputStream(to.getOutputStream(), BUFFER);
            from.setSoTimeout(idleLimit == null ? 0 : timeoutMillis(limit));
            int n;
            while ((n = read(in, buffer, from, lastActivity, limit)) > 0) {
                filter.write(buffer, 0, n, out);
                if (in.available() == 0) {
                    out.flush();
                }
            }
            filter.ended(out);
            out.flush();
            return n == IDLE;
        } catch (IOException e) {
            return false; // the destination went away
        }
    }

    /** Bytes read; {@link #ENDED} at end of stream or a read error; {@link #IDLE} once silent both ways for {@code limit}. */
    private static int read(InputStream in, byte[] buffer, Socket from, AtomicLong lastActivity, long limit) {
        while (true) {
            try {
                int n = in.read(buffer);
                if (n > 0) {
                    lastActivity.set(System.nanoTime());
                }
                return n < 0 ? ENDED : n;
            } catch (SocketTimeoutException e) {
                long silent = System.nanoTime() - lastActivity.get();
                if (silent >= limit) {
                    return IDLE;
                }
                try {
                    from.setSoTimeout(timeoutMillis(limit - silent)); // the other way was busy: wait out the rest
                } catch (IOException closed) {
                    return ENDED;
                }
            } catch (IOException e) {
                return ENDED;
            }
        }
    }

    private static int timeoutMillis(long nanos) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos) + 1));
    }

    private static void halfClose(Socket socket) {
        try {
            socket.shutdownOutput();
        } catch (IOException | UnsupportedOperationException e) {
            close(socket); // SSL sockets may not half-close: closing ends the session all the same
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
