package io.oauthmail.store;

import io.oauthmail.error.OAuthMailException;
import java.io.IOException;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Opens the token store the config asks for: the encrypted files (default), one H2 database in the token
 * folder ({@code kind = "h2"}), or any JDBC database ({@code kind = "jdbc"}, {@code jdbc_url}), e.g. one
 * PostgreSQL shared by several hosts. Every kind encrypts the same way, with the key from the passphrase or
 * the key file in the token folder.
 */
public final class Stores {

    /**
     * Where the tokens are kept (the config's {@code [store]} table).
     *
     * @param kind    {@code file}, {@code h2} or {@code jdbc}
     * @param dir     the token folder (files, the H2 database, the key file)
     * @param jdbcUrl for {@code jdbc}: the database's JDBC URL; else null
     */
    public record Location(String kind, java.nio.file.Path dir, String jdbcUrl) {
    }

    private Stores() {
    }

    public static TokenStore open(Location where, char[] passphrase) {
        if (where.kind().equals("file")) {
            return EncryptedFileStore.open(where.dir(), passphrase);
        }
        byte[] key;
        try {
            FilePermissions.createOwnerOnlyDirectories(where.dir());
            key = StoreKey.resolve(where.dir(), passphrase);
        } catch (IOException e) {
            throw new OAuthMailException("cannot read the store key in " + where.dir() + ": " + e.getMessage(), null, e);
        }
        if (where.kind().equals("h2")) {
            return JdbcTokenStore.openH2(where.dir().resolve("tokens"), key);
        }
        return new JdbcTokenStore(new UrlDataSource(where.jdbcUrl()), key);
    }

    /** A DataSource over {@link DriverManager}: the JDBC URL carries user and password, like the driver's own. */
    private record UrlDataSource(String url) implements javax.sql.DataSource {
        @Override
        public java.sql.Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url);
        }

        @Override
        public java.sql.Connection getConnection(String user, String password) throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {
            // DriverManager logs nowhere by default; nothing to set
        }

        @Override
        public void setLoginTimeout(int seconds) {
            // DriverManager's timeout is global to the JVM: not changed from here (put connectTimeout in the URL)
        }

        @Override
        public int getLoginTimeout() {
            return DriverManager.getLoginTimeout();
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getLogger("io.oauthmail.store");
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }

        @Override
        public String toString() {
            return "UrlDataSource[<url redacted>]"; // the URL may carry a password
        }
    }
}
