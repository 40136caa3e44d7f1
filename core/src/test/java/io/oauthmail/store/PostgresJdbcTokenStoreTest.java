package io.oauthmail.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The contract on PostgreSQL, when {@code OAUTHMAIL_TEST_PG_URL} names one (a JDBC URL with user and
 * password; {@code .ci/run} sets it). Each test gets a schema of its own, dropped afterwards, so the schema
 * creation is exercised for real and tests do not see each other's rows.
 */
class PostgresJdbcTokenStoreTest extends JdbcTokenStoreContract {

    private static final String URL = System.getenv("OAUTHMAIL_TEST_PG_URL");

    private String schema;

    static DataSource dataSource(String url, String schema) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(url);
        pg.setCurrentSchema(schema);
        pg.setConnectTimeout(10);
        return pg;
    }

    /** Checked per test rather than once, so that each test shows up in the reports as skipped, with why. */
    @BeforeEach
    void newSchema() throws SQLException {
        assumeTrue(URL != null && !URL.isBlank(),
                "OAUTHMAIL_TEST_PG_URL is not set: PostgreSQL tests skipped (set it to a JDBC URL with user and password)");
        schema = "oauthmail_test_" + UUID.randomUUID().toString().replace("-", "");
        admin("CREATE SCHEMA " + schema);
        database = dataSource(URL, schema);
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (schema == null) {
            return;
        }
        admin("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    @Override
    DataSource unreachable() {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL("jdbc:postgresql://127.0.0.1:1/oauthmail?user=oauthmail&password=" + DB_PASSWORD);
        pg.setConnectTimeout(5);
        return pg;
    }

    @Override
    List<String> databaseForAnotherProcess() {
        return List.of("pg", URL, schema);
    }

    private static void admin(String sql) throws SQLException {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(URL);
        try (Connection c = pg.getConnection(); Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }
}
