package io.oauthmail.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The embedded H2 file database of {@link JdbcTokenStore#openH2}. A class of its own so that only programs
 * that use H2 load H2's classes: the driver is an optional dependency of core.
 */
final class EmbeddedH2 {

    private EmbeddedH2() {
    }

    /**
     * AUTO_SERVER: the first process to open the file serves it to the others, so the CLI and the daemon can
     * share it (plain embedded mode refuses a second process). H2 asks for a random key kept beside the file
     * and for the password, which is therefore derived from the store key rather than left empty. Its server
     * would listen on every interface: see {@link #loopbackOnly()}.
     * WRITE_DELAY=0: each commit is written to the file before it returns (H2 otherwise writes up to half a
     * second later), so a saved refresh token survives the process.
     * DB_CLOSE_DELAY: the store borrows a connection per call; keeping the database open for a few seconds
     * after the last one closes saves reopening the file (and restarting its server) on every call.
     */
    static DataSource dataSource(Path database, byte[] key) {
        String file = database.toAbsolutePath().toString();
        if (file.contains(";")) {
            throw new IllegalArgumentException("an H2 database path cannot contain ';': " + file);
        }
        loopbackOnly();
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE;WRITE_DELAY=0;DB_CLOSE_DELAY=10");
        h2.setUser("oauthmail");
        h2.setPassword(password(key));
        return h2;
    }

    /**
     * The processes sharing the file are on this host, so H2's AUTO_SERVER has no business on the network.
     * H2 reads its bind address from a JVM-wide property once, when its first class loads; it is set only if
     * the application has not chosen one itself (an application running its own H2 server keeps its choice).
     */
    static void loopbackOnly() {
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }

    static String password(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] derived = mac.doFinal("oauthmail-h2-password-v1".getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(derived);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java has no HmacSHA256", e);
        }
    }
}
