package io.oauthmail.store;

import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Tokens in a SQL database, for servers: an embedded H2 file database (see {@link #openH2}) or PostgreSQL
 * when several hosts share the accounts.
 *
 * <p>Each account is one row of {@code oauthmail_tokens} holding the record sealed exactly as
 * {@link EncryptedFileStore} seals a file (AES-256-GCM, the account name as associated data), so the
 * database never sees a token in the clear and a row copied to another account does not open. The tables
 * are created and upgraded on first use, by Flyway. {@link #lock} holds a row lock in an open transaction on its own connection,
 * so it holds across processes and hosts, and a process that dies (its connection dropped) releases it.
 *
 * <p>Needs the H2 or PostgreSQL JDBC driver and Flyway ({@code flyway-core}, and for PostgreSQL
 * {@code flyway-database-postgresql}) on the class path: {@code oauthmail-core} declares them optional.
 */
public final class JdbcTokenStore implements TokenStore {

    private final DataSource dataSource;
    private final TokenSealing sealing;
    private final JdbcLocks locks;
    private volatile boolean schemaReady;
    /** One migration per store at a time: the threads of one process need not all queue on Flyway's lock. */
    private final Object schemaLock = new Object();

    /**
     * A store in the database behind {@code dataSource}, sealing records with the 32-byte {@code key}.
     * Each call borrows a connection and returns it at once, except a held {@link #lock} and a
     * {@link #prepareSave prepared save}, which keep one each: size a pool for two connections per account being
     * refreshed at the same time, plus one.
     */
    public JdbcTokenStore(DataSource dataSource, byte[] key) {
        this.dataSource = dataSource;
        this.sealing = new TokenSealing(key);
        this.locks = new JdbcLocks(this::connect);
    }

    /**
     * A store in the embedded H2 file database {@code database} (H2 adds {@code .mv.db}), made on first use
     * in an owner-only folder. Several processes may open it at once (the CLI and the daemon): the first
     * serves it to the others over a local TCP port that needs a secret from the folder and a password
     * derived from {@code key}, so opening it with another key fails.
     */
    public static JdbcTokenStore openH2(Path database, byte[] key) {
        try {
            FilePermissions.createOwnerOnlyDirectories(database.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new OAuthMailException("cannot make the folder of the token database " + database + ": "
                    + e.getMessage(), "check that the folder is yours and writable", e);
        }
        return new JdbcTokenStore(EmbeddedH2.dataSource(database, key), key);
    }

    @Override
    public Optional<TokenSet> load(String account) {
        byte[] sealed;
        try (Connection c = connect();
                PreparedStatement select = c.prepareStatement(
                        "SELECT sealed FROM " + JdbcSchema.TOKENS + " WHERE account = ?")) {
            select.setString(1, account);
            try (ResultSet row = select.executeQuery()) {
                sealed = row.next() ? row.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw SqlFailures.of("cannot load the tokens of account " + account, e);
        }
        if (sealed == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(TokenJson.read(sealing.open(account, sealed)));
        } catch (GeneralSecurityException e) {
            throw damaged(account, "it does not decrypt with this store's key (tampered with, or another key)");
        } catch (IOException e) {
            throw damaged(account, e.getMessage());
        }
    }

    @Override
    public void save(String account, TokenSet tokens) {
        try (Connection c = connect()) {
            upsert(c, account, sealing.seal(account, TokenJson.write(tokens)));
        } catch (SQLException e) {
            throw SqlFailures.of("cannot save the tokens of account " + account, e);
        } catch (GeneralSecurityException e) {
            throw cannotSeal(account, e);
        }
    }

    /**
     * Before a refresh spends its refresh token: warms the cipher, borrows the connection the save will use (so no
     * connect, and no pool wait, sits between the provider's answer and the commit), and marks the row as being
     * refreshed, which both proves the row writable now (a full or read-only database fails here) and journals
     * the refresh. A failure here is reported before anything is sent: the refresh token is still good.
     */
    @Override
    public PreparedSave prepareSave(String account) {
        try {
            sealing.warmUp();
        } catch (GeneralSecurityException e) {
            throw cannotSeal(account, e);
        }
        try {
            return JdbcPreparedSave.prepare(connect(), account, tokens -> sealing.seal(account, TokenJson.write(tokens)),
                    AnswerJournal.of(sealing, account));
        } catch (SQLException e) {
            throw SqlFailures.of("cannot prepare to save the refreshed tokens of account " + account
                    + " (the refresh token was not used, so nothing is lost)", e);
        }
    }

    /**
     * Updates the row, or inserts it if there is none, clearing its refresh mark. Portable SQL rather than MERGE or
     * ON CONFLICT: when two savers race to insert the first row, the loser's insert fails on the key and its update
     * then succeeds.
     */
    static void upsert(Connection c, String account, byte[] sealed) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            if (update(c, account, sealed) == 1) {
                return;
            }
            try {
                insert(c, account, sealed);
                return;
            } catch (SQLException e) {
                if (!SqlFailures.isDuplicateKey(e) || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void delete(String account) {
        try (Connection c = connect();
                PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM " + JdbcSchema.TOKENS + " WHERE account = ?")) {
            delete.setString(1, account);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw SqlFailures.of("cannot delete the tokens of account " + account, e);
        }
    }

    /**
     * Holds an exclusive lock on {@code account} across threads, processes and hosts sharing the database,
     * until the returned lock is closed. Re-entrant within a thread. Waits as long as it takes.
     */
    @Override
    public AccountLock lock(String account) {
        return locks.acquire(account);
    }

    /** A connection in auto-commit mode (a pool may hand out others), on a database that has the tables. */
    private Connection connect() throws SQLException {
        if (!schemaReady) {
            synchronized (schemaLock) {
                if (!schemaReady) {
                    JdbcSchema.migrate(dataSource);
                    schemaReady = true;
                }
            }
        }
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static int update(Connection c, String account, byte[] sealed) throws SQLException {
        // The database's clock, not this host's: hosts sharing the database need not agree on the time.
        try (PreparedStatement update = c.prepareStatement("UPDATE " + JdbcSchema.TOKENS
                + " SET sealed = ?, updated_at = CURRENT_TIMESTAMP, refresh_pending = NULL, refresh_answer = NULL"
                + " WHERE account = ?")) {
            update.setBytes(1, sealed);
            update.setString(2, account);
            return update.executeUpdate();
        }
    }

    private static void insert(Connection c, String account, byte[] sealed) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + JdbcSchema.TOKENS
                + " (account, sealed, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
            insert.setString(1, account);
            insert.setBytes(2, sealed);
            insert.executeUpdate();
        }
    }

    private static OAuthMailException cannotSeal(String account, GeneralSecurityException e) {
        return new OAuthMailException("cannot seal the tokens of account " + account + ": " + e.getMessage(),
                "check that this Java has AES-GCM", e);
    }

    private static OAuthMailException damaged(String account, String why) {
        return new OAuthMailException("the stored tokens of account " + account + " cannot be used: " + why,
                "run: oauthmail login " + account);
    }
}
