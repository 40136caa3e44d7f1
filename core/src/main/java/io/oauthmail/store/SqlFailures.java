package io.oauthmail.store;

import io.oauthmail.error.OAuthMailException;
import io.oauthmail.error.TemporaryFailure;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.regex.Pattern;

/** Turns the JDBC drivers' exceptions into oauthmail's: temporary or not, and never showing a password. */
final class SqlFailures {

    /** {@code password=...} in a URL or option string that a driver might echo back. */
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password\\s*=\\s*)[^&;\\s]*");

    private SqlFailures() {
    }

    /** {@code what} names the account and the operation, e.g. "cannot load the tokens of account x". */
    static OAuthMailException of(String what, SQLException e) {
        String message = what + ": " + describe(e);
        if (isTemporary(e)) {
            return new TemporaryFailure(message + " (the database is unreachable or busy; the tokens in it are kept)",
                    "check that the database is running and reachable, then try again", e);
        }
        return new OAuthMailException(message, "check the database URL, user and permissions", e);
    }

    /**
     * Connection failures (SQLState class 08), a server shutting down or starting (57P), out of
     * connections or resources (53), timeouts and deadlocks: trying again later may work.
     */
    static boolean isTemporary(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                || state.equals("HYT00") || state.equals("40001") || state.equals("40P01")
                || state.equals("90067") // H2: connection broken or refused
                || state.equals("90020"); // H2: the file database is open in another process without AUTO_SERVER
    }

    static boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /** A lock wait that gave up (H2's LOCK_TIMEOUT, PostgreSQL's lock_timeout): wait again. */
    static boolean isLockTimeout(SQLException e) {
        return "HYT00".equals(e.getSQLState()) || "55P03".equals(e.getSQLState());
    }

    private static String describe(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return PASSWORD.matcher(message.strip()).replaceAll("$1<redacted>") + " [SQLState " + e.getSQLState() + "]";
    }
}
