package io.oauthmail.store;

import io.oauthmail.account.TokenSet;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The save of one refresh of {@link JdbcTokenStore}, made ready before the refresh token is spent: a connection
 * borrowed for it, and the row's {@code refresh_pending} mark set.
 *
 * <p>The mark is a journal, like the file store's pending file: a refresh that sets it and never saves (its process
 * died, its save failed) leaves it, and the next refresh, finding it, can explain a refusal of the stored refresh
 * token. Any save clears it (a login too, so a new grant is not suspected); a refresh that ends without saving clears
 * its own mark, since nothing was lost then unless the provider refused, which is explained anyway.
 */
final class JdbcPreparedSave implements TokenStore.PreparedSave {

    private final Connection connection;
    private final String account;
    private final TokenSealing.Sealer sealer;
    private final ReservedSave.Journals journals;
    private final boolean earlierUnfinished;
    private final java.util.Optional<TokenStore.UnsavedAnswer> unsaved;
    private boolean saveAttempted;

    private JdbcPreparedSave(Connection connection, String account, TokenSealing.Sealer sealer,
            ReservedSave.Journals journals, boolean earlierUnfinished, java.util.Optional<TokenStore.UnsavedAnswer> unsaved) {
        this.connection = connection;
        this.account = account;
        this.sealer = sealer;
        this.journals = journals;
        this.earlierUnfinished = earlierUnfinished;
        this.unsaved = unsaved;
    }

    /** Marks {@code account}'s row (if it has one) as being refreshed, on {@code c}, which the save then keeps. */
    static JdbcPreparedSave prepare(Connection c, String account, TokenSealing.Sealer sealer,
            ReservedSave.Journals journals) throws SQLException {
        try {
            boolean earlier = false;
            java.util.Optional<TokenStore.UnsavedAnswer> unsaved = java.util.Optional.empty();
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT refresh_pending, refresh_answer FROM " + JdbcSchema.TOKENS + " WHERE account = ?")) {
                select.setString(1, account);
                try (ResultSet row = select.executeQuery()) {
                    if (row.next()) {
                        earlier = row.getObject(1) != null;
                        byte[] answer = row.getBytes(2);
                        unsaved = earlier && answer != null ? journals.open(answer) : unsaved;
                    }
                }
            }
            // A real write, committed: a database that cannot take one (full, read-only) says so now.
            try (PreparedStatement mark = c.prepareStatement("UPDATE " + JdbcSchema.TOKENS
                    + " SET refresh_pending = CURRENT_TIMESTAMP WHERE account = ?")) {
                mark.setString(1, account);
                mark.executeUpdate();
            }
            return new JdbcPreparedSave(c, account, sealer, journals, earlier, unsaved);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    @Override
    public void save(TokenSet tokens) {
        saveAttempted = true;
        try {
            JdbcTokenStore.upsert(connection, account, sealer.seal(tokens));
        } catch (SQLException e) {
            throw SqlFailures.of("cannot save the refreshed tokens of account " + account
                    + " (if the provider rotated the refresh token, log in again)", e);
        } catch (GeneralSecurityException e) {
            throw new io.oauthmail.error.OAuthMailException("cannot seal the tokens of account " + account + ": "
                    + e.getMessage(), "check that this Java has AES-GCM", e);
        }
    }

    /** Commits the sealed answer in the account's row: durable when the database says the commit is. */
    @Override
    public void journal(String answer, java.time.Instant receivedAt) {
        if (saveAttempted) {
            return;
        }
        try (PreparedStatement keep = connection.prepareStatement("UPDATE " + JdbcSchema.TOKENS
                + " SET refresh_answer = ? WHERE account = ?")) {
            keep.setBytes(1, journals.seal(answer, receivedAt));
            keep.setString(2, account);
            keep.executeUpdate();
        } catch (SQLException | GeneralSecurityException e) {
            // the save that follows reports any real trouble
        }
    }

    @Override
    public java.util.Optional<TokenStore.UnsavedAnswer> unsavedAnswer() {
        return unsaved;
    }

    @Override
    public boolean earlierRefreshUnfinished() {
        return earlierUnfinished;
    }

    /** Clears the mark unless it must stay as a journal (see the class comment), and gives the connection back. */
    @Override
    public void close() {
        if (!saveAttempted && !earlierUnfinished) {
            try (PreparedStatement clear = connection.prepareStatement("UPDATE " + JdbcSchema.TOKENS
                    + " SET refresh_pending = NULL, refresh_answer = NULL WHERE account = ?")) {
                clear.setString(1, account);
                clear.executeUpdate();
            } catch (SQLException ignored) {
                // a mark left behind costs at most a less precise explanation later
            }
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing was left to write through it
        }
    }
}
