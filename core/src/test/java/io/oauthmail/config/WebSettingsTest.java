package io.oauthmail.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config's {@code [web]} table: the console's address, or nothing. */
class WebSettingsTest {

    @TempDir
    Path dir;

    private Config parse(String text) {
        return ConfigReader.parse(dir.resolve("config.toml"), text, dir.resolve("tokens"));
    }

    @Test
    void listenIsReadAndAnythingElseIsAClearError() {
        assertThat(parse("").web()).isEqualTo(WebSettings.DEFAULT);
        assertThat(parse("[web]\nlisten = \"127.0.0.1:8025\"\n").web().listen()).contains("127.0.0.1:8025");
        assertThat(parse("[web]\n").web().listen()).isEmpty();
        assertThatThrownBy(() -> parse("[web]\nlisten = \"8025\"\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining(":2: web.listen: '8025' is not HOST:PORT");
        assertThatThrownBy(() -> parse("[web]\nport = 8025\n")).hasMessageContaining(":2: web.port: unknown key");
        assertThatThrownBy(() -> parse("web = 1\n")).isInstanceOf(ConfigException.class);
    }

    @Test
    void tlsIsAskedForOrImpliedByACertificateAndTheFlagsWin() {
        WebSettings self = parse("[web]\nlisten = \"0.0.0.0:8025\"\ntls = true\n").web();
        assertThat(self.tls()).isTrue();
        assertThat(self.tlsCert()).isEmpty();
        WebSettings own = parse("[web]\ntls_cert = \"/etc/c.pem\"\ntls_key = \"/etc/k.pem\"\n").web();
        assertThat(own.tls()).isTrue();
        assertThat(own.tlsKey()).contains(Path.of("/etc/k.pem"));
        assertThatThrownBy(() -> parse("[web]\ntls_cert = \"/etc/c.pem\"\n")).hasMessageContaining("go together");
        assertThatThrownBy(() -> parse("[web]\ntls = \"yes\"\n")).hasMessageContaining("web.tls");

        WebSettings flags = new WebSettings(java.util.Optional.of("127.0.0.1:9000"), false, java.util.Optional.empty(),
                java.util.Optional.empty());
        WebSettings merged = self.under(flags);
        assertThat(merged.listen()).contains("127.0.0.1:9000");
        assertThat(merged.tls()).isTrue();
        assertThat(WebSettings.DEFAULT.under(WebSettings.DEFAULT).listen()).isEmpty();
    }
}
