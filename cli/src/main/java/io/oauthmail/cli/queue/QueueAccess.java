package io.oauthmail.cli.queue;

import io.oauthmail.cli.CliContext;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.server.ControlClient;
import io.oauthmail.server.Daemon;
import io.oauthmail.server.relay.JdbcRelayQueue;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The relay queue as {@code oauthmail queue} reaches it: through the running daemon's control socket when a daemon
 * holds the queue ({@link DaemonQueue}), else the spool opened here, under its lock ({@link DirectQueue}).
 */
interface QueueAccess extends AutoCloseable {

    /** Every message, oldest first. */
    List<Entry> list() throws IOException;

    Optional<Entry> find(MessageId id) throws IOException;

    /** The content as accepted; only for {@code show --content}. */
    byte[] content(MessageId id) throws IOException;

    /** Due now (a held message stays held); the message afterwards, empty if there is none. */
    Optional<Entry> retry(MessageId id) throws IOException;

    /** Every message not yet due made due now. */
    RetriedAll retryAll() throws IOException;

    /** Removed, or why not. */
    Deleted delete(MessageId id) throws IOException;

    @Override
    void close() throws IOException;

    /** {@code moved} made due now; {@code held} stay held. */
    record RetriedAll(int moved, long held) {
    }

    /** The message removed, or empty with {@code deliveringBy} set when a worker was sending it. */
    record Deleted(Optional<Entry> removed, Optional<String> deliveringBy) {
    }

    /**
     * The PostgreSQL queue, when the token store is there (as the daemons choose it): shared by design, so it is opened
     * directly whether or not a daemon runs elsewhere.
     */
    private static Optional<QueueAccess> shared(CliContext context) {
        try {
            return JdbcRelayQueue.openFor(context.config(), 2, context.config().relay().maxMessages(), context.clock())
                    .map(queue -> DirectQueue.of(queue, context.clock()));
        } catch (IOException e) {
            throw new TemporaryFailure("the relay queue in PostgreSQL (the token store's database) cannot be reached: "
                    + e.getMessage(), "check that the database is up; oauthmail accounts uses the same one", e);
        }
    }

    /** Through the daemon if one holds the queue, else the queue itself. */
    static QueueAccess open(CliContext context) {
        Path socket = Daemon.socketIn(context.paths().stateDir());
        if (Files.exists(socket)) {
            ControlClient client = new ControlClient(socket);
            try {
                // A look at a message that cannot exist: 404 says a relay runs there, 503 that the daemon runs none.
                if (client.get(DaemonQueue.PATH + "/0").code() == 404) {
                    return new DaemonQueue(client);
                }
            } catch (IOException e) {
                // no daemon answers: a stale socket; the spool's lock says whether something holds the queue
            }
        }
        Optional<QueueAccess> shared = shared(context);
        if (shared.isPresent()) {
            return shared.get();
        }
        Path folder = io.oauthmail.server.Serve.spoolFolder(context.config().relay(), context.paths());
        try {
            return DirectQueue.open(folder, context.config().relay(), context.clock());
        } catch (OAuthMailException e) {
            throw new TemporaryFailure("the relay queue " + folder + " is locked by a process that does not answer on the"
                    + " control socket " + socket, "if oauthmail serve is starting or stopping, try again in a moment;"
                    + " else see which process holds it: fuser -v " + folder.resolve("spool.lock"), e);
        } catch (IOException e) {
            throw new OAuthMailException("the relay queue " + folder + " cannot be opened: " + e.getMessage(),
                    "check the folder's owner and permissions (it is this user's alone, 0700)", e);
        }
    }
}
