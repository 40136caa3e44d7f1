package io.oauthmail.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.provider.TlsMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @TempDir
    Path dir;

    private Config parse(String text) {
        return ConfigReader.parse(dir.resolve("config.toml"), text, dir.resolve("tokens"));
    }

    @Test
    void readsAccountsAndResolvesPresetsAndOverrides() {
        Config config = parse("""
                # mine
                [store]
                dir = "/srv/tokens"

                [accounts."me@gmail.com"]
                provider = "google"
                client_id = "123.apps.googleusercontent.com"
                client_secret = "s3cret"

                [accounts.work]
                provider = "microsoft"
                tenant = "organizations"
                client_id = "abc"
                email = "me@corp.example"
                smtp = "smtp.corp.example:2525:plain"
                """);
        assertThat(config.tokenDir()).isEqualTo(Path.of("/srv/tokens"));
        assertThat(config.accounts().keySet()).containsExactly("me@gmail.com", "work");
        Account gmail = AccountResolver.withSecret(config.account("me@gmail.com").orElseThrow());
        assertThat(gmail.provider().imap().host()).isEqualTo("imap.gmail.com");
        assertThat(gmail.secret()).hasValue("s3cret");
        assertThat(gmail.toString()).doesNotContain("s3cret");
        Account work = AccountResolver.withoutSecret(config.account("work").orElseThrow());
        assertThat(work.provider().endpoints().token().toString()).contains("/organizations/");
        assertThat(work.provider().smtp().tls()).isEqualTo(TlsMode.PLAIN);
        assertThat(work.provider().imap().host()).isEqualTo("outlook.office365.com");
        assertThat(work.mailUser()).isEqualTo("me@corp.example");
    }

    @Test
    void anUnknownProviderNamesTheLineAndKey() {
        assertThatThrownBy(() -> parse("""
                [accounts.a]
                client_id = "x"
                provider = "yahooo"
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.toml:3: accounts.a.provider: unknown provider 'yahooo'")
                .satisfies(e -> assertThat(((ConfigException) e).hint()).hasValueSatisfying(h -> assertThat(h).contains("google")));
    }

    @Test
    void theRefreshMarginIsFiveMinutesUnlessTheTokensTableSaysOtherwise() {
        assertThat(parse("").refreshMargin()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(parse("[tokens]\nrefresh_margin = \"10m\"\n").refreshMargin()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(parse("[tokens]\nrefresh_margin = \"90s\"\n").refreshMargin()).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(parse("[tokens]\nrefresh_margin = \"120\"\n").refreshMargin()).isEqualTo(java.time.Duration.ofSeconds(120));
        for (String bad : new String[] {"1h", "5s", "soon", "-5m"}) {
            assertThatThrownBy(() -> parse("[accounts.a]\nprovider = \"google\"\n\n[tokens]\nrefresh_margin = \"" + bad + "\"\n"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(":5: tokens.refresh_margin: '" + bad + "' is not a refresh margin between 10s and 30m");
        }
        assertThatThrownBy(() -> parse("[tokens]\nmargin = \"5m\"\n")).hasMessageContaining(":2: tokens.margin: unknown key");
        assertThat(TokenSettingsScan.scan("[accounts.me]\n[tokens]\nrefresh_margin = \"10m\"\n", "me").refreshMargin())
                .as("the lean token path reads the same margin").isEqualTo(java.time.Duration.ofMinutes(10));
    }

    @Test
    void theLogTableSetsTheDaemonsLevelAndFormatAndNamesTheWordsItTakes() {
        assertThat(parse("").log()).isEqualTo(LogSettings.DEFAULT);
        LogSettings log = parse("[log]\nlevel = \"DEBUG\"\nformat = \"json\"\n").log();
        assertThat(log.level()).contains(LogSettings.Level.DEBUG);
        assertThat(log.format()).contains(LogSettings.Format.JSON);
        assertThat(parse("[log]\nformat = \"text\"\n").log().level()).isEmpty();
        assertThatThrownBy(() -> parse("[log]\nlevel = \"loud\"\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining(":2: log.level: unknown level 'loud'")
                .satisfies(e -> assertThat(((ConfigException) e).hint()).contains("use one of error, warn, info, debug"));
        assertThatThrownBy(() -> parse("[log]\nformat = \"xml\"\n")).hasMessageContaining(":2: log.format: unknown format 'xml'");
        assertThatThrownBy(() -> parse("[log]\nfile = \"/tmp/x\"\n")).hasMessageContaining(":2: log.file: unknown key");
    }

    @Test
    void anUnknownKeyNamesTheLine() {
        assertThatThrownBy(() -> parse("""
                [accounts.a]
                provider = "google"
                client_id = "x"
                clientsecret = "oops"
                """)).hasMessageContaining(":4: accounts.a.clientsecret: unknown key");
    }

    @Test
    void brokenTomlNamesTheLine() {
        assertThatThrownBy(() -> parse("""
                [accounts.a]
                provider = "google
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("config.toml:2").hasMessageContaining("not valid TOML");
    }

    @Test
    void theSaslMechanismCanBeForcedAndIsChecked() {
        AccountSettings bearer = parse("[accounts.a]\nprovider = \"google\"\nclient_id = \"x\"\nsasl = \"oauthbearer\"\n")
                .account("a").orElseThrow();
        assertThat(AccountResolver.withoutSecret(bearer).saslMechanisms()).containsExactly("OAUTHBEARER");
        assertThatThrownBy(() -> parse("[accounts.a]\nprovider = \"google\"\nclient_id = \"x\"\nsasl = \"plain\"\n"))
                .hasMessageContaining(":4: accounts.a.sasl: unknown SASL mechanism 'plain'");
    }

    @Test
    void aBadServerAndAMissingClientIdAreCaught() {
        assertThatThrownBy(() -> parse("""
                [accounts.a]
                provider = "google"
                client_id = "x"
                imap = "imap.example.com:nine"
                """)).hasMessageContaining(":4: accounts.a.imap: not a port number");
        assertThatThrownBy(() -> parse("""
                [accounts.a]
                provider = "google"
                """)).hasMessageContaining(":1: accounts.a: the account has no client_id");
    }

    @Test
    void theSecretCommandRunsOnlyWhenTheSecretIsNeeded() throws Exception {
        Path marker = dir.resolve("ran");
        AccountSettings settings = parse("[accounts.a]\nprovider = \"google\"\nclient_id = \"x\"\n"
                + "client_secret_cmd = \"touch " + marker + "; echo from-cmd\"\n").account("a").orElseThrow();
        AccountResolver.withoutSecret(settings);
        assertThat(marker).doesNotExist();
        assertThat(AccountResolver.withSecret(settings).secret()).hasValue("from-cmd");
        assertThat(marker).exists();
        AccountSettings failing = parse("[accounts.a]\nprovider = \"google\"\nclient_id = \"x\"\n"
                + "client_secret_cmd = \"echo leaked-secret; exit 3\"\n").account("a").orElseThrow();
        assertThatThrownBy(() -> AccountResolver.withSecret(failing)).hasMessageContaining("exited with status 3")
                .hasMessageNotContaining("leaked-secret");
    }

    @Test
    void theWriterKeepsCommentsReplacesAndRemovesAccounts() throws Exception {
        Path file = dir.resolve("config.toml");
        Files.writeString(file, "# my notes\n[store]\ndir = \"/srv/t\"  # keep\n");
        AccountSettings a = new AccountSettings("me@x.org", "google", null, null, "id1", null, "pass show x", null,
                List.of(), null, null, "smtp.x.org:587", null, null, null, null, null, null, null, null, null, null);
        ConfigWriter.putAccount(file, a);
        ConfigWriter.putAccount(file, new AccountSettings("other", "microsoft", "common", null, "id2", null, null, null,
                List.of("a", "b"), null, null, null, null, null, 8080, null, null, null, null, null, null, null));
        ConfigWriter.putAccount(file, a.withEmail("me@x.org"));
        String text = Files.readString(file);
        assertThat(text).startsWith("# my notes\n[store]\ndir = \"/srv/t\"  # keep\n");
        assertThat(text).containsOnlyOnce("[accounts.\"me@x.org\"]").contains("email = \"me@x.org\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Config config = ConfigReader.read(new OAuthMailPaths(file, dir, dir));
        assertThat(config.accounts().keySet()).containsExactly("me@x.org", "other");
        assertThat(config.account("other").orElseThrow().scopes()).containsExactly("a", "b");
        assertThat(config.account("other").orElseThrow().redirectPort()).isEqualTo(8080);

        assertThat(ConfigWriter.removeAccount(file, "me@x.org")).isTrue();
        assertThat(ConfigWriter.removeAccount(file, "me@x.org")).isFalse();
        assertThat(ConfigReader.read(new OAuthMailPaths(file, dir, dir)).accounts().keySet()).containsExactly("other");
        assertThat(Files.readString(file)).contains("# my notes");
    }

    @Test
    void pathsFollowOauthmailHomeThenXdg() {
        OAuthMailPaths home = OAuthMailPaths.fromEnvironment(Map.of("OAUTHMAIL_HOME", "/h"), null);
        assertThat(home.configFile()).isEqualTo(Path.of("/h/config.toml"));
        assertThat(home.tokenDir()).isEqualTo(Path.of("/h/tokens"));
        OAuthMailPaths xdg = OAuthMailPaths.fromEnvironment(Map.of("HOME", "/u", "XDG_CONFIG_HOME", "/c"), Path.of("/o.toml"));
        assertThat(xdg.configFile()).isEqualTo(Path.of("/o.toml"));
        assertThat(xdg.tokenDir()).isEqualTo(Path.of("/u/.local/share/oauthmail/tokens"));
        assertThat(OAuthMailPaths.fromEnvironment(Map.of("HOME", "/u", "XDG_CONFIG_HOME", "rel"), null).configFile())
                .isEqualTo(Path.of("/u/.config/oauthmail/config.toml"));
    }
}
