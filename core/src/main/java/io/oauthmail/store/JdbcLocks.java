package io.oauthmail.store;

import io.oauthmail.error.OAuthMailException;
import io.oauthmail.store.TokenStore.AccountLock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-account exclusive locks that hold across processes and hosts sharing a database: a row of
 * {@code oauthmail_locks} held {@code SELECT ... FOR UPDATE} in an open transaction on a connection kept for
 * the lock's lifetime. Plain row locks work alike on H2 and PostgreSQL (advisory locks are PostgreSQL's
 * alone), and a connection that drops, e.g. with its process, rolls back and so releases the lock.
 *
 * <p>An in-process lock is taken first, so threads of one process queue here rather than each holding a
 * connection while they wait, and so a thread that already holds the lock can take it again.
 */
final class JdbcLocks {

    /** Where lock connections come from: {@link JdbcTokenStore}'s, which makes the tables first. */
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;
    private final Map<String, ReentrantLock> inProcess = new ConcurrentHashMap<>();

    JdbcLocks(Connector connector) {
        this.connector = connector;
    }

    AccountLock acquire(String account) {
        ReentrantLock local = inProcess.computeIfAbsent(account, a -> new ReentrantLock());
        local.lock();
        if (local.getHoldCount() > 1) {
            return local::unlock; // re-entered by the thread that already holds the row
        }
        try {
            Connection held = holdRow(account);
            return () -> {
                try {
                    // Rolled back before closing: what close() does to an open transaction is up to the
                    // driver, and a pool would otherwise hand out a connection still holding the row.
                    held.rollback();
                } catch (SQLException ignored) {
                    // a broken connection holds no lock
                } finally {
                    closeQuietly(held);
                    local.unlock();
                }
            };
        } catch (SQLException e) {
            local.unlock();
            throw SqlFailures.of("cannot lock the tokens of account " + account, e);
        } catch (InterruptedException e) {
            local.unlock();
            Thread.currentThread().interrupt();
            throw new OAuthMailException("interrupted while waiting for the lock on account " + account, null, e);
        } catch (RuntimeException e) {
            local.unlock();
            throw e;
        }
    }

    /** A connection in a transaction that holds the account's lock row; the row is made if it is missing. */
    private Connection holdRow(String account) throws SQLException, InterruptedException {
        Connection c = connector.connect();
        try {
            c.setAutoCommit(false);
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                try {
                    if (selectForUpdate(c, account)) {
                        return c;
                    }
                    c.rollback();
                    insertIfMissing(c, account);
                } catch (SQLException e) {
                    if (!SqlFailures.isLockTimeout(e)) {
                        throw e;
                    }
                    c.rollback(); // PostgreSQL refuses further statements in a failed transaction
                }
            }
        } catch (SQLException | InterruptedException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static boolean selectForUpdate(Connection c, String account) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT account FROM " + JdbcSchema.LOCKS + " WHERE account = ? FOR UPDATE")) {
            select.setString(1, account);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }

    /** In a transaction of its own; a duplicate key means another process made the row first, which is fine. */
    private static void insertIfMissing(Connection c, String account) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + JdbcSchema.LOCKS + " (account) VALUES (?)")) {
            insert.setString(1, account);
            insert.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            if (!SqlFailures.isDuplicateKey(e)) {
                throw e;
            }
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already failing: the first exception is the one to report
        }
    }
}
