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

    @Test
    void signInWithAProviderNeedsClientSecretAndAllowList() {
        WebSettings web = parse("[web]\noidc_issuer = \"https://id.example.com/realms/x\"\noidc_client_id = \"console\"\n"
                + "oidc_client_secret_cmd = \"echo s3cret\"\nallow = [\"Ann@Example.com\", \"sub:42\"]\n").web();
        WebSignIn signIn = web.signIn().orElseThrow();
        assertThat(signIn.issuer().getHost()).isEqualTo("id.example.com");
        assertThat(signIn.secret()).isEqualTo("s3cret");
        assertThat(signIn.allows("x", "ann@example.COM", true)).isTrue();
        assertThat(signIn.allows("x", "ann@example.com", false)).as("an unverified address counts for nothing").isFalse();
        assertThat(signIn.allows("42", null, false)).isTrue();
        assertThat(signIn.allows("421", "bob@example.com", true)).isFalse();
        assertThat(parse("[web]\noidc_issuer = \"https://i.example\"\noidc_client_id = \"c\"\n"
                + "oidc_client_secret = \"hidden-value\"\nallow = [\"a@b.c\"]\n").web().toString()).doesNotContain("hidden-value");
        assertThat(web.under(WebSettings.DEFAULT).signIn()).contains(signIn);

        assertThatThrownBy(() -> parse("[web]\nallow = [\"a@b.c\"]\n")).hasMessageContaining("web.allow: allow needs oidc_issuer");
        assertThatThrownBy(() -> parse("[web]\noidc_issuer = \"https://i.example\"\noidc_client_id = \"c\"\n"
                + "oidc_client_secret = \"s\"\n")).hasMessageContaining("needs allow");
        assertThatThrownBy(() -> parse("[web]\noidc_issuer = \"https://i.example\"\noidc_client_id = \"c\"\n"
                + "allow = [\"a@b.c\"]\n")).hasMessageContaining("oidc_client_secret_cmd");
        assertThatThrownBy(() -> parse("[web]\noidc_issuer = \"https://i.example\"\noidc_client_id = \"c\"\n"
                + "oidc_client_secret = \"s\"\nallow = [\"alice\"]\n")).hasMessageContaining("'alice' is neither");
        assertThatThrownBy(() -> parse("[web]\noidc_issuer = \"id.example.com\"\n")).hasMessageContaining("not an http(s) URL");
    }
}
