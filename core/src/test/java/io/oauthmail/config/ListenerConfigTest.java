package io.oauthmail.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The [[listener]] tables of the config file: read in order, and every mistake named by line and key. */
class ListenerConfigTest {

    private static final String ACCOUNTS = """
            [accounts."work@corp.com"]
            provider = "google"
            client_id = "x"

            """;

    @TempDir
    Path dir;

    private Config parse(String listeners) {
        return ConfigReader.parse(dir.resolve("config.toml"), ACCOUNTS + listeners, dir.resolve("tokens"));
    }

    @Test
    void readsListenersInFileOrderWithDefaults() {
        Config config = parse("""
                [[listener]]
                protocol = "imap"
                listen = "127.0.0.1:1143"
                upstream = "imap.gmail.com:993:tls"
                tls = "starttls"
                cert = "/etc/ssl/fullchain.pem"
                key = "/etc/ssl/key.pem"
                accounts = ["work@corp.com"]
                max_connections = 20000

                [[listener]]
                protocol = "smtp"
                listen = "127.0.0.1:1587"
                """);
        assertThat(config.listeners()).containsExactly(
                new ListenerSettings("listener[1]", "imap", "127.0.0.1:1143", Optional.of("imap.gmail.com:993:tls"), "starttls",
                        Optional.of(Path.of("/etc/ssl/fullchain.pem")), Optional.of(Path.of("/etc/ssl/key.pem")),
                        List.of("work@corp.com"), 20000),
                new ListenerSettings("listener[2]", "smtp", "127.0.0.1:1587", Optional.empty(), "none", Optional.empty(),
                        Optional.empty(), List.of(), ListenerSettings.DEFAULT_MAX_CONNECTIONS));
    }

    @Test
    void aConnectionCapOutOfRangeIsRefusedWithAnExample() {
        assertThatThrownBy(() -> parse("""
                [[listener]]
                protocol = "imap"
                listen = "127.0.0.1:1143"
                max_connections = 0
                """)).hasMessageContaining("max_connections must be 1 to 100000, got 0")
                .satisfies(e -> assertThat(((io.oauthmail.error.OAuthMailException) e).hint()).contains("e.g. max_connections = 5000"));
    }

    @Test
    void aBadProtocolNamesTheSecondListenersLine() {
        assertThatThrownBy(() -> parse("""
                [[listener]]
                protocol = "pop"
                listen = "127.0.0.1:1110"

                [[listener]]
                protocol = "imaps"
                listen = "127.0.0.1:1993"
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.toml:10: listener[2].protocol: unknown proxy protocol 'imaps'")
                .satisfies(e -> assertThat(((ConfigException) e).hint()).hasValue("use smtp, imap, pop or relay"));
    }

    @Test
    void aBadTlsModeNamesItsLineAndTheChoices() {
        assertThatThrownBy(() -> parse("""
                [[listener]]
                protocol = "imap"
                listen = "0.0.0.0:1143"
                tls = "ssl"
                """)).hasMessageContaining("config.toml:8: listener[1].tls: unknown TLS mode 'ssl'")
                .satisfies(e -> assertThat(((ConfigException) e).hint()).hasValueSatisfying(
                        h -> assertThat(h).contains("starttls").contains("implicit")));
    }

    @Test
    void aCertificateWithoutItsKeyIsRefused() {
        assertThatThrownBy(() -> parse("""
                [[listener]]
                protocol = "smtp"
                listen = "127.0.0.1:1465"
                tls = "implicit"
                cert = "/etc/ssl/fullchain.pem"
                """)).hasMessageContaining("config.toml:9: listener[1].cert: cert and key go together")
                .satisfies(e -> assertThat(((ConfigException) e).hint()).hasValueSatisfying(h -> assertThat(h).contains("key =")));
    }

    @Test
    void otherMistakesAreNamedToo() {
        assertThatThrownBy(() -> parse("[[listener]]\nprotocol = \"imap\"\n"))
                .hasMessageContaining("config.toml:5: listener[1]: the listener has no listen");
        assertThatThrownBy(() -> parse("[[listener]]\nprotocol = \"imap\"\nlisten = \"1143\"\n"))
                .hasMessageContaining("config.toml:7: listener[1].listen: expected HOST:PORT");
        assertThatThrownBy(() -> parse("[[listener]]\nprotocol = \"imap\"\nlisten = \"127.0.0.1:1143\"\nupstream = \"imap.x:99:ssh\"\n"))
                .hasMessageContaining("config.toml:8: listener[1].upstream: unknown TLS mode 'ssh'");
        assertThatThrownBy(() -> parse("[[listener]]\nprotocol = \"imap\"\nlisten = \"127.0.0.1:1143\"\naccounts = [\"home\"]\n"))
                .hasMessageContaining("config.toml:8: listener[1].accounts: no account named 'home'");
        assertThatThrownBy(() -> parse("[[listener]]\nprotocol = \"imap\"\nlisten = \"127.0.0.1:1143\"\nport = 3\n"))
                .hasMessageContaining("config.toml:8: listener[1].port: unknown key");
        assertThatThrownBy(() -> ConfigReader.parse(dir.resolve("config.toml"), "listener = \"imap\"\n", dir))
                .hasMessageContaining("config.toml:1: listener: expected [[listener]] tables");
    }

    @Test
    void addingAnAccountKeepsTheListeners() throws Exception {
        Path file = dir.resolve("config.toml");
        Files.writeString(file, ACCOUNTS + "[[listener]]\nprotocol = \"pop\"\nlisten = \"127.0.0.1:1110\"\n");
        ConfigWriter.putAccount(file, ConfigReader.read(new OAuthMailPaths(file, dir, dir)).account("work@corp.com")
                .orElseThrow().withEmail("me@corp.com"));
        Config config = ConfigReader.read(new OAuthMailPaths(file, dir, dir));
        assertThat(config.listeners()).extracting(ListenerSettings::listen).containsExactly("127.0.0.1:1110");
        assertThat(config.account("work@corp.com").orElseThrow().email()).isEqualTo("me@corp.com");
    }

    @Test
    void readsARelayListenersOwnKeys() {
        Config config = parse("""
                [[listener]]
                protocol = "relay"
                listen = "0.0.0.0:2525"
                tls = "starttls"
                account = "work@corp.com"
                allow_unauthenticated = ["192.168.1.0/24", "10.0.0.7", "fd00::/8"]
                max_message_size = 1000000
                """);
        assertThat(config.listeners().get(0).relay()).isEqualTo(new ListenerSettings.Relay(Optional.of("work@corp.com"),
                List.of("192.168.1.0/24", "10.0.0.7", "fd00::/8"), 1_000_000));
    }

    @Test
    void aRelayListenerRefusesWhatWouldMakeItOpenOrWrong() {
        assertThatThrownBy(() -> parse("""
                [[listener]]
                protocol = "relay"
                listen = "127.0.0.1:2525"
                allow_unauthenticated = ["192.168.1.0/24"]
                """)).hasMessageContaining("clients that do not log in need an account to send as");
        assertThatThrownBy(() -> parse("""
                [[listener]]
                protocol = "relay"
                listen = "127.0.0.1:2525"
                account = "work@corp.com"
                allow_unauthenticated = ["printer.lan"]
                """)).hasMessageContaining("not an IP address or ADDRESS/BITS network: 'printer.lan'");
        assertThatThrownBy(() -> parse("""
                [[listener]]
                protocol = "relay"
                listen = "127.0.0.1:2525"
                allow_unauthenticated = ["10.0.0.0/33"]
                account = "work@corp.com"
                """)).hasMessageContaining("'10.0.0.0/33'");
        assertThatThrownBy(() -> parse("""
                [[listener]]
                protocol = "relay"
                listen = "127.0.0.1:2525"
                upstream = "smtp.gmail.com:465:tls"
                """)).hasMessageContaining("upstream");
        assertThatThrownBy(() -> parse("""
                [[listener]]
                protocol = "smtp"
                listen = "127.0.0.1:1587"
                account = "work@corp.com"
                """)).hasMessageContaining("account");
    }
}
