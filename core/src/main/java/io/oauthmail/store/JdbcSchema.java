package io.oauthmail.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The two tables of {@link JdbcTokenStore}, in SQL that H2 2.x and PostgreSQL both accept (H2 knows
 * {@code BYTEA} as a synonym of {@code VARBINARY}).
 */
final class JdbcSchema {

    static final String TOKENS = "oauthmail_tokens";
    static final String LOCKS = "oauthmail_locks";

    private static final List<String> TABLES = List.of(
            // refresh_pending: set while a refresh of the account is under way, cleared by any save (JdbcPreparedSave).
            // refresh_answer: the provider's answer, sealed, committed the moment it arrives and cleared by the save
            // of its tokens (AnswerJournal); recovered by the next refresh if the process died in between.
            "CREATE TABLE IF NOT EXISTS " + TOKENS + " (account VARCHAR(1000) PRIMARY KEY,"
                    + " sealed BYTEA NOT NULL, updated_at TIMESTAMP WITH TIME ZONE NOT NULL,"
                    + " refresh_pending TIMESTAMP WITH TIME ZONE, refresh_answer BYTEA)",
            // One row per account ever locked, never deleted: deleting a row that another session holds
            // FOR UPDATE would make that session wait, and the rows are tiny.
            "CREATE TABLE IF NOT EXISTS " + LOCKS + " (account VARCHAR(1000) PRIMARY KEY)");

    /**
     * For tables an earlier version made, run only when a column is missing: on H2 an ALTER that adds a column
     * copies the table, and a store inserting meanwhile could lose its row (seen with four stores starting at once).
     */
    private static final List<String> UPGRADES = List.of(
            "ALTER TABLE " + TOKENS + " ADD COLUMN IF NOT EXISTS refresh_pending TIMESTAMP WITH TIME ZONE",
            "ALTER TABLE " + TOKENS + " ADD COLUMN IF NOT EXISTS refresh_answer BYTEA");

    private JdbcSchema() {
    }

    /**
     * Creates the tables that are missing. Two processes starting at once may both try: on PostgreSQL the
     * loser's {@code CREATE TABLE IF NOT EXISTS} can still fail on a catalog key once the winner commits, so
     * a failure is ignored when the tables are there afterwards.
     */
    static void create(Connection c) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Statement ddl = c.createStatement()) {
                if (exist(c)) {
                    return;
                }
                for (String table : TABLES) {
                    ddl.execute(table);
                }
                if (!exist(c)) {
                    for (String upgrade : UPGRADES) {
                        ddl.execute(upgrade);
                    }
                }
                return;
            } catch (SQLException e) {
                if (exist(c)) {
                    return;
                }
                if (attempt == 5) {
                    throw e;
                }
                pause(attempt); // let the process that won the race finish its statements
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(20L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean exist(Connection c) {
        try (Statement probe = c.createStatement()) {
            probe.executeQuery("SELECT COUNT(refresh_pending), COUNT(refresh_answer) FROM " + TOKENS + " WHERE 1 = 0").close();
            probe.executeQuery("SELECT COUNT(*) FROM " + LOCKS + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
