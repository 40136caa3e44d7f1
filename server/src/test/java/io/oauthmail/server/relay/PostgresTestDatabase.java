package io.oauthmail.server.relay;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A schema of its own in the PostgreSQL of {@code OAUTHMAIL_TEST_PG_URL} (a JDBC URL with user and password;
 * {@code .ci/run} sets it), dropped by {@link #close}, so each test migrates from empty and sees only its rows.
 */
final class PostgresTestDatabase implements AutoCloseable {

    static final String URL = System.getenv("OAUTHMAIL_TEST_PG_URL");

    final String schema = "oauthmail_relay_" + UUID.randomUUID().toString().replace("-", "");

    /** Skips the calling test, with why, when there is no PostgreSQL to test on. */
    static PostgresTestDatabase create() throws SQLException {
        assumeTrue(URL != null && !URL.isBlank(),
                "OAUTHMAIL_TEST_PG_URL is not set: PostgreSQL tests skipped (set it to a JDBC URL with user and password)");
        PostgresTestDatabase database = new PostgresTestDatabase();
        database.sql("CREATE SCHEMA " + database.schema);
        return database;
    }

    /** The URL with this schema as the connections' current schema. */
    String url() {
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    long count(String query) throws SQLException {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement();
                var row = s.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
}
