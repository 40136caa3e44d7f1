package io.oauthmail.server.relay;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.io.IOException;
import java.sql.SQLException;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The database side of {@link JdbcRelayQueue}: its connection pool, its schema and the wording of its failures
 * (never with a password: drivers echo URLs and option strings back).
 */
final class JdbcRelayDatabase {

    /** Apart from any other tool's history table, so the queue's migrations coexist with the token store's tables. */
    static final String HISTORY_TABLE = "oauthmail_relay_schema_history";
    static final String MIGRATIONS = "classpath:db/oauthmail-relay";

    private static final Pattern PASSWORD = Pattern.compile("(?i)(password\\s*=\\s*)[^&;\\s]*");
    private static final Pattern USER_INFO = Pattern.compile("(//)[^/@?]*@");

    private JdbcRelayDatabase() {
    }

    /**
     * A pool for the queue. Every queue call borrows one connection for one short transaction and holds no lock
     * between calls, so a small pool serves many workers; {@code size} bounds this daemon's share of the server's
     * {@code max_connections}.
     */
    static HikariDataSource pool(String jdbcUrl, int size) throws IOException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("oauthmail-relay");
        // Flyway holds one connection for its lock while it migrates on another: fewer than two would wait forever.
        config.setMaximumPoolSize(Math.max(2, size));
        config.setMinimumIdle(1);
        // A database that is down shows within seconds as a 4xx to the client, not as a hung SMTP session.
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException | IllegalArgumentException e) {
            throw new IOException("cannot connect to the relay queue's database " + where(jdbcUrl) + ": "
                    + redact(rootMessage(e)) + "; check that PostgreSQL is running and that jdbc_url names its"
                    + " host, database, user and password, then run: oauthmail serve", null);
        }
    }

    /**
     * Creates or upgrades the queue's tables. Flyway takes a PostgreSQL advisory lock while it migrates, so daemons
     * starting at once apply each migration once; a database already at the newest version is left untouched.
     */
    static void migrate(DataSource dataSource) throws IOException {
        Flyway flyway = Flyway.configure(JdbcRelayDatabase.class.getClassLoader())
                .dataSource(dataSource)
                .table(HISTORY_TABLE)
                .locations(MIGRATIONS)
                // a schema that already holds the token store's tables is not "non-empty" for the queue
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
        // Daemons starting at once on an empty schema may both make (or baseline) the history table before either
        // holds Flyway's lock, and the loser fails; once the winner is done, a second try finds nothing to do.
        for (int attempt = 1; ; attempt++) {
            try {
                flyway.migrate();
                return;
            } catch (FlywayException e) {
                if (attempt == 3) {
                    throw new IOException("cannot create or upgrade the relay queue's tables: " + redact(rootMessage(e))
                            + "; check that the database user may create tables, then run: oauthmail serve", null);
                }
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while creating the relay queue's tables", null);
                }
            }
        }
    }

    /** An {@link IOException} that says what failed and how to fix it, without a password. */
    static IOException failure(String what, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String hint = state.startsWith("08") || state.startsWith("57P") || e.getCause() instanceof java.net.ConnectException
                ? "the relay queue's database is unreachable: check that PostgreSQL is running and reachable"
                : "check the relay queue's database (jdbc_url, user, permissions)";
        return new IOException(what + ": " + redact(rootMessage(e)) + " [SQLState " + state + "]; " + hint, null);
    }

    /** The database ran out of room (disk full, out of memory or quota): the client may try again later. */
    static boolean isOutOfSpace(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return state.equals("53100") || state.equals("53200") || state.equals("54000");
    }

    /** {@code jdbc:postgresql://host:5432/db}: the URL without user, password or options, for messages. */
    static String where(String jdbcUrl) {
        String base = jdbcUrl == null ? "" : jdbcUrl;
        int query = base.indexOf('?');
        return USER_INFO.matcher(query < 0 ? base : base.substring(0, query)).replaceAll("$1");
    }

    static String redact(String text) {
        return PASSWORD.matcher(text == null ? "" : text.strip()).replaceAll("$1<redacted>");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = firstLine(e.getMessage(), e);
        String inner = firstLine(root.getMessage(), root);
        return root == e || outer.contains(inner) ? outer : outer + " (" + inner + ")";
    }

    /** Flyway's messages run over several lines of a table; the first says what happened. */
    private static String firstLine(String message, Throwable e) {
        String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip();
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end).strip();
    }
}
