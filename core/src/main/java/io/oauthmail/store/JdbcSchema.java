package io.oauthmail.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The two tables of {@link JdbcTokenStore}, made and upgraded by Flyway from {@code db/oauthmail-store/V*.sql}
 * (a location of its own, so an application's Flyway, which reads {@code db/migration}, never applies them).
 * Flyway locks the database while it migrates (an advisory lock on PostgreSQL, a row lock on H2), so stores
 * starting at once in several processes apply each migration once, and a database that the store made before it
 * used Flyway is baselined at version 0 and brought up to date by V1's {@code IF NOT EXISTS} statements.
 */
final class JdbcSchema {

    static final String TOKENS = "oauthmail_tokens";
    static final String LOCKS = "oauthmail_locks";
    /** Apart from other tools' history tables (the relay queue keeps its own beside these tables). */
    static final String HISTORY_TABLE = "oauthmail_store_schema_history";
    static final String MIGRATIONS = "db/oauthmail-store";
    /** The newest V*.sql under {@link #MIGRATIONS}; JdbcSchemaTest checks that the two agree. */
    static final String LATEST = "2";

    private JdbcSchema() {
    }

    /**
     * Creates or upgrades the tables. A failure comes back as the driver's {@link SQLException} when there is one,
     * so the caller's wording (temporary or not, no password) applies to it as to any other statement.
     */
    static void migrate(DataSource dataSource) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            if (upToDate(dataSource)) {
                return;
            }
            try {
                flyway(dataSource).migrate();
                return;
            } catch (FlywayException e) {
                // Stores starting at once on an empty H2 database: Flyway's lock lives in its history table, so two
                // may both make or baseline that table and the loser fails ("already exists, and is empty"). Once
                // the winner is done, the next attempt finds the schema up to date.
                if (attempt == 5) {
                    throw sqlFailure(e);
                }
                pause(attempt);
            }
        }
    }

    private static Flyway flyway(DataSource dataSource) {
        return Flyway.configure(JdbcSchema.class.getClassLoader())
                .dataSource(dataSource)
                .table(HISTORY_TABLE)
                .locations("classpath:" + MIGRATIONS)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
    }

    /** The driver's own exception when there is one, so the caller's wording (temporary or not) applies. */
    private static SQLException sqlFailure(FlywayException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return sql;
            }
        }
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        int end = message.indexOf('\n');
        return new SQLException("cannot create or upgrade the token tables: "
                + (end < 0 ? message : message.substring(0, end)), "42000");
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(50L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the newest migration is applied, asked with one query before Flyway is loaded: Flyway's own check
     * (class loading, scanning, validating) costs a CLI command that opens the store 150-300 ms warm and about a
     * second cold on this project's machines, for a schema that changes once in many versions.
     */
    private static boolean upToDate(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) { // a database that is down fails here, once
            // quoted: Flyway names its table and columns in lower case, which H2 would otherwise read in upper case
            try (PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM \"" + HISTORY_TABLE + "\""
                    + " WHERE \"version\" = ? AND \"success\"")) {
                select.setString(1, LATEST);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() && row.getInt(1) > 0;
                }
            } catch (SQLException e) {
                return false; // no history table yet: Flyway makes it
            }
        }
    }
}
