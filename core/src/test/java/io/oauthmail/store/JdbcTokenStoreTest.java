package io.oauthmail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.error.OAuthMailException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the default database: an embedded H2 file database, new in each test's folder. */
class JdbcTokenStoreTest extends JdbcTokenStoreContract {

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void newDatabase() {
        file = dir.resolve("db").resolve("tokens");
        JdbcTokenStore.openH2(file, KEY); // makes the owner-only folder
        database = EmbeddedH2.dataSource(file, KEY);
    }

    @Override
    DataSource unreachable() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:tcp://127.0.0.1:1/" + dir.resolve("nowhere"));
        h2.setUser("oauthmail");
        h2.setPassword(DB_PASSWORD);
        return h2;
    }

    @Override
    List<String> databaseForAnotherProcess() {
        return List.of("h2", file.toString());
    }

    @Test
    void theDatabaseFileHoldsNoTokenAndItsFolderIsOwnerOnly() throws Exception {
        JdbcTokenStore store = JdbcTokenStore.openH2(file, KEY);
        store.save("me@example.com", tokens);
        assertThat(store.load("me@example.com")).contains(tokens);
        Path mvFile = file.resolveSibling("tokens.mv.db");
        String raw = new String(Files.readAllBytes(mvFile), StandardCharsets.ISO_8859_1);
        assertThat(raw).doesNotContain("SECRET").contains("me@example.com");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    }

    @Test
    void theSharedDatabaseServerListensOnLoopbackOnly() throws Exception {
        JdbcTokenStore.openH2(file, KEY).save("me", tokens);
        // H2 announces where its AUTO_SERVER listens in the lock file: server=ADDRESS:PORT
        java.util.Properties lock = new java.util.Properties();
        try (var in = Files.newInputStream(file.resolveSibling("tokens.lock.db"))) {
            lock.load(in);
        }
        String server = lock.getProperty("server");
        assertThat(server).matches("(127\\.0\\.0\\.1|localhost):\\d+");
        int port = Integer.parseInt(server.substring(server.indexOf(':') + 1));
        for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (java.net.InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
                if (!address.isLoopbackAddress() && address instanceof java.net.Inet4Address) {
                    try (java.net.Socket socket = new java.net.Socket()) {
                        assertThatThrownBy(() -> socket.connect(new java.net.InetSocketAddress(address, port), 2000))
                                .as("H2's server reachable at " + address).isInstanceOf(java.io.IOException.class);
                    }
                }
            }
        }
    }

    @Test
    void theEmbeddedDatabaseDoesNotOpenWithAnotherKey() {
        JdbcTokenStore.openH2(file, KEY).save("me", tokens);
        assertThatThrownBy(() -> JdbcTokenStore.openH2(file, key(8)).load("me"))
                .isInstanceOf(OAuthMailException.class).hasMessageContaining("me")
                .hasMessageNotContaining(EmbeddedH2.password(key(8)));
    }
}
