package io.oauthmail.server.relay;

import com.zaxxer.hikari.HikariDataSource;
import io.oauthmail.config.Config;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The relay queue in PostgreSQL, shared by several daemons: each message is one row of
 * {@code oauthmail_relay_queue} (envelope, counters, lease and content), created by Flyway on first use.
 *
 * <p>{@link #claim} leases rows with {@code SELECT ... FOR UPDATE SKIP LOCKED} in one short transaction that writes
 * the lease ({@code leased_by}, {@code lease_until}); a lease that ended is claimable again, so a dead host's
 * messages return. Only an account's oldest message is ever claimable (its "head"), so an account has at most one
 * message in flight and its mail leaves in the order it was accepted, across every host.
 *
 * <p>The content is stored as it came, not sealed like the token store's rows: it is mail on its way to a
 * provider (which receives it in the clear over TLS), not a credential, and the hosts would need one shared key
 * for no gain against someone who can read the database and the hosts' keys anyway. The database's own access
 * control and encryption at rest apply.
 */
public final class JdbcRelayQueue implements RelayQueue {

    static final String QUEUE = "oauthmail_relay_queue";
    static final String HOLDS = "oauthmail_relay_holds";

    private static final String ENTRY_COLUMNS = "q.id, q.account, q.mail_from, q.recipients, q.client, q.received,"
            + " q.size, q.attempts, q.next_attempt, q.last_error, h.reason, q.leased_by, q.lease_until";
    private static final String ENTRY_FROM = " FROM " + QUEUE + " q LEFT JOIN " + HOLDS + " h ON h.account = q.account";

    /**
     * Heads only: each account's oldest message, found by a loose index scan (one probe of the index on
     * (account, seq) per account, however many messages wait behind), then kept if due, not leased (or the lease
     * ended) and the account not held. Rows another host is locking are skipped, not waited for. Measured with
     * 25,000 messages in 20 accounts, every head leased: the plain "no older message" filter scanned them all
     * (450-600 ms a claim); this takes a few milliseconds.
     */
    private static final String CLAIMABLE = "WITH RECURSIVE heads (account, seq) AS ("
            + " (SELECT account, seq FROM " + QUEUE + " ORDER BY account, seq LIMIT 1)"
            + " UNION ALL SELECT n.account, n.seq FROM heads h CROSS JOIN LATERAL (SELECT account, seq FROM " + QUEUE
            + " WHERE account > h.account ORDER BY account, seq LIMIT 1) n)"
            + " SELECT q.id FROM " + QUEUE + " q JOIN heads ON heads.seq = q.seq"
            + " WHERE q.next_attempt <= ? AND (q.lease_until IS NULL OR q.lease_until <= ?)"
            + " AND NOT EXISTS (SELECT 1 FROM " + HOLDS + " h WHERE h.account = q.account)"
            + " ORDER BY q.seq LIMIT ? FOR UPDATE OF q SKIP LOCKED";

    private final DataSource dataSource;
    private final HikariDataSource ownPool;
    private final int maxMessages;
    private final Clock clock;

    private JdbcRelayQueue(DataSource dataSource, HikariDataSource ownPool, int maxMessages, Clock clock) {
        this.dataSource = dataSource;
        this.ownPool = ownPool;
        this.maxMessages = maxMessages;
        this.clock = clock;
    }

    /**
     * A queue in the PostgreSQL database at {@code jdbcUrl} (with user and password), through a pool of
     * {@code poolSize} connections (at least two) that {@link #close} closes; its tables are created or upgraded first.
     *
     * @param maxMessages the most messages queued at once (over it, {@link #accept} throws {@link QueueFull})
     */
    public static JdbcRelayQueue open(String jdbcUrl, int poolSize, int maxMessages, Clock clock) throws IOException {
        HikariDataSource pool = JdbcRelayDatabase.pool(jdbcUrl, poolSize);
        try {
            JdbcRelayDatabase.migrate(pool);
        } catch (IOException e) {
            pool.close();
            throw e;
        }
        return new JdbcRelayQueue(pool, pool, maxMessages, clock);
    }

    /** A queue in the database behind {@code dataSource}, which the caller owns and closes. */
    public static JdbcRelayQueue open(DataSource dataSource, int maxMessages, Clock clock) throws IOException {
        JdbcRelayDatabase.migrate(dataSource);
        return new JdbcRelayQueue(dataSource, null, maxMessages, clock);
    }

    /**
     * The queue for {@code config}: in PostgreSQL when the token store is ({@code [store] kind = "jdbc"} with a
     * {@code jdbc:postgresql:} URL), since daemons that share their tokens there are meant to share their mail too;
     * empty otherwise (the embedded spool). The pool has {@code poolSize} connections.
     */
    public static Optional<JdbcRelayQueue> openFor(Config config, int poolSize, int maxMessages, Clock clock)
            throws IOException {
        if (!"jdbc".equals(config.storeKind()) || !supports(config.jdbcUrl())) {
            return Optional.empty();
        }
        return Optional.of(open(config.jdbcUrl(), poolSize, maxMessages, clock));
    }

    /** Whether {@code jdbcUrl} names a PostgreSQL database, the one kind this queue runs on. */
    public static boolean supports(String jdbcUrl) {
        return jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public Entry accept(Envelope envelope, InputStream content, long maxBytes) throws IOException {
        byte[] bytes = JdbcRelayContent.read(content, maxBytes);
        MessageId id = new MessageId(UUID.randomUUID().toString().replace("-", ""));
        Instant due = envelope.received(); // the caller's time, as in claim: hosts' clocks need not agree with this one
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (maxMessages > 0 && count(c) >= maxMessages) {
                    throw new QueueFull("the relay queue holds its most messages (" + maxMessages + ")");
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + QUEUE
                        + " (id, account, mail_from, recipients, client, received, size, next_attempt, content)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, id.value());
                    insert.setString(2, envelope.account());
                    insert.setString(3, envelope.mailFrom());
                    insert.setArray(4, c.createArrayOf("text", envelope.recipients().toArray()));
                    insert.setString(5, envelope.client());
                    insert.setTimestamp(6, Timestamp.from(envelope.received()));
                    insert.setLong(7, bytes.length);
                    insert.setTimestamp(8, Timestamp.from(due));
                    insert.setBytes(9, bytes);
                    insert.executeUpdate();
                }
                c.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                rollback(c);
                throw e;
            }
        } catch (SQLException e) {
            if (JdbcRelayDatabase.isOutOfSpace(e)) {
                throw new QueueFull("the relay queue's database has no room: " + JdbcRelayDatabase.redact(e.getMessage()));
            }
            throw JdbcRelayDatabase.failure("cannot queue a message of account " + envelope.account(), e);
        }
        return new Entry(id, envelope, bytes.length, 0, due, Optional.empty(), held(envelope.account()), Optional.empty());
    }

    @Override
    public List<Entry> claim(String host, int max, Duration lease, Instant now) throws IOException {
        if (max <= 0) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<String> ids = new ArrayList<>();
                try (PreparedStatement select = c.prepareStatement(CLAIMABLE)) {
                    select.setTimestamp(1, Timestamp.from(now));
                    select.setTimestamp(2, Timestamp.from(now));
                    select.setInt(3, max);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            ids.add(rows.getString(1));
                        }
                    }
                }
                if (ids.isEmpty()) {
                    c.commit();
                    return List.of();
                }
                Array idArray = c.createArrayOf("varchar", ids.toArray());
                try (PreparedStatement update = c.prepareStatement("UPDATE " + QUEUE
                        + " SET leased_by = ?, lease_until = ? WHERE id = ANY (?)")) {
                    update.setString(1, host);
                    update.setTimestamp(2, Timestamp.from(now.plus(lease)));
                    update.setArray(3, idArray);
                    update.executeUpdate();
                }
                List<Entry> claimed = select(c, " WHERE q.id = ANY (?) ORDER BY q.seq", idArray, now);
                c.commit();
                return claimed;
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            }
        } catch (SQLException e) {
            throw JdbcRelayDatabase.failure("cannot claim messages from the relay queue for host " + host, e);
        }
    }

    @Override
    public InputStream open(MessageId id) throws IOException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT content FROM " + QUEUE + " WHERE id = ?")) {
            select.setString(1, id.value());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new FileNotFoundException("no message " + id + " in the relay queue");
                }
                return new ByteArrayInputStream(row.getBytes(1));
            }
        } catch (SQLException e) {
            throw JdbcRelayDatabase.failure("cannot read message " + id + " from the relay queue", e);
        }
    }

    @Override
    public boolean delivered(MessageId id, String host) throws IOException {
        return update("DELETE FROM " + QUEUE + " WHERE id = ? AND leased_by = ?", "remove delivered message " + id,
                id.value(), host) == 1;
    }

    @Override
    public boolean deferred(MessageId id, String host, Instant next, String reason) throws IOException {
        return update("UPDATE " + QUEUE + " SET attempts = attempts + 1, next_attempt = ?, last_error = ?,"
                + " leased_by = NULL, lease_until = NULL WHERE id = ? AND leased_by = ?", "defer message " + id,
                Timestamp.from(next), reason, id.value(), host) == 1;
    }

    @Override
    public boolean failed(MessageId id, String host, String reason) throws IOException {
        return update("DELETE FROM " + QUEUE + " WHERE id = ? AND leased_by = ?", "remove failed message " + id,
                id.value(), host) == 1;
    }

    @Override
    public void hold(String account, Optional<String> reason) throws IOException {
        if (reason.isPresent() && !reason.get().isEmpty()) {
            update("INSERT INTO " + HOLDS + " (account, reason) VALUES (?, ?)"
                    + " ON CONFLICT (account) DO UPDATE SET reason = EXCLUDED.reason", "hold account " + account,
                    account, reason.get());
        } else {
            update("DELETE FROM " + HOLDS + " WHERE account = ?", "release account " + account, account);
        }
    }

    @Override
    public List<Entry> list() throws IOException {
        try (Connection c = dataSource.getConnection()) {
            return select(c, " ORDER BY q.seq", null, clock.instant());
        } catch (SQLException e) {
            throw JdbcRelayDatabase.failure("cannot list the relay queue", e);
        }
    }

    @Override
    public Optional<Entry> find(MessageId id) throws IOException {
        try (Connection c = dataSource.getConnection()) {
            return select(c, " WHERE q.id = ?", id.value(), clock.instant()).stream().findFirst();
        } catch (SQLException e) {
            throw JdbcRelayDatabase.failure("cannot find message " + id + " in the relay queue", e);
        }
    }

    @Override
    public boolean retryNow(MessageId id, Instant now) throws IOException {
        return update("UPDATE " + QUEUE + " SET next_attempt = ? WHERE id = ?", "retry message " + id,
                Timestamp.from(now), id.value()) == 1;
    }

    @Override
    public int retryAll(Instant now) throws IOException {
        return update("UPDATE " + QUEUE + " SET next_attempt = ? WHERE next_attempt > ?", "retry every message",
                Timestamp.from(now), Timestamp.from(now));
    }

    @Override
    public boolean delete(MessageId id) throws IOException {
        return update("DELETE FROM " + QUEUE + " WHERE id = ?", "delete message " + id, id.value()) == 1;
    }

    @Override
    public Counts counts() throws IOException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT COUNT(*),"
                        + " COUNT(*) FILTER (WHERE q.attempts > 0 AND h.account IS NULL),"
                        + " COUNT(h.account), COALESCE(SUM(q.size), 0), MIN(q.received)" + ENTRY_FROM);
                ResultSet row = select.executeQuery()) {
            row.next();
            Timestamp oldest = row.getTimestamp(5);
            return new Counts(row.getInt(1), row.getInt(2), row.getInt(3), row.getLong(4),
                    Optional.ofNullable(oldest).map(Timestamp::toInstant));
        } catch (SQLException e) {
            throw JdbcRelayDatabase.failure("cannot count the relay queue", e);
        }
    }

    @Override
    public void close() {
        if (ownPool != null) {
            ownPool.close();
        }
    }

    private static int count(Connection c) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM " + QUEUE);
                ResultSet row = select.executeQuery()) {
            row.next();
            return row.getInt(1);
        }
    }

    private Optional<String> held(String account) throws IOException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT reason FROM " + HOLDS + " WHERE account = ?")) {
            select.setString(1, account);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw JdbcRelayDatabase.failure("cannot read whether account " + account + " is held", e);
        }
    }

    /** Entries for {@code where} (one parameter or none); a lease counts while it ends after {@code now}. */
    private static List<Entry> select(Connection c, String where, Object parameter, Instant now) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + ENTRY_COLUMNS + ENTRY_FROM + where)) {
            if (parameter != null) {
                select.setObject(1, parameter);
            }
            List<Entry> entries = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    entries.add(JdbcRelayContent.entry(row, now));
                }
            }
            return entries;
        }
    }

    @Override
    public int releaseLeases(java.util.function.Predicate<String> gone) throws IOException {
        List<String> holders = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(
                "SELECT DISTINCT leased_by FROM " + QUEUE + " WHERE leased_by IS NOT NULL")) {
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    holders.add(row.getString(1));
                }
            }
        } catch (SQLException e) {
            throw JdbcRelayDatabase.failure("cannot read the relay queue's leases", e);
        }
        int released = 0;
        for (String holder : holders) {
            if (gone.test(holder)) {
                released += update("UPDATE " + QUEUE + " SET leased_by = NULL, lease_until = NULL WHERE leased_by = ?",
                        "release the leases of " + holder, holder);
            }
        }
        return released;
    }

    private int update(String sql, String what, Object... parameters) throws IOException {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                update.setObject(i + 1, parameters[i]);
            }
            return update.executeUpdate();
        } catch (SQLException e) {
            throw JdbcRelayDatabase.failure("cannot " + what + " in the relay queue", e);
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool drops it, and an open transaction dies with it
        }
    }
}
