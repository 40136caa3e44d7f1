package io.oauthmail.server.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.server.Serve;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon whose tokens are in PostgreSQL keeps its relay queue there too, with nothing more to configure. */
class JdbcRelayServeTest {

    @TempDir
    Path home;

    @Test
    void aDaemonWithItsTokensInPostgresqlQueuesTheRelaysMailThere() throws Exception {
        try (PostgresTestDatabase database = PostgresTestDatabase.create()) {
            Files.writeString(home.resolve("config.toml"), "[store]\nkind = \"jdbc\"\njdbc_url = \"" + database.url()
                    + "\"\n\n[[listener]]\nprotocol = \"relay\"\nlisten = \"127.0.0.1:0\"\n");
            StringWriter messages = new StringWriter();
            OAuthMailRuntime runtime = OAuthMailRuntime.fromEnvironment(Map.of("OAUTHMAIL_HOME", home.toString()), null);
            try (Serve serve = Serve.start(runtime, List.of(), new PrintWriter(messages, true))) {
                assertThat(messages.toString()).contains("relay queue in PostgreSQL (the token store's database): 0 message(s)")
                        .doesNotContain(PostgresTestDatabase.URL.replaceAll(".*password=", "password="));
                assertThat(database.count("SELECT COUNT(*) FROM oauthmail_relay_queue")).isZero();
            }
            assertThat(home.resolve("state/relay")).as("no spool folder beside the shared queue").doesNotExist();
        }
    }
}
