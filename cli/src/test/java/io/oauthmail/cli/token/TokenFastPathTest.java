package io.oauthmail.cli.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.TokenSet;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.ConfigWriter;
import io.oauthmail.config.TokenSettingsScan;
import io.oauthmail.store.EncryptedFileStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFastPathTest {

    @TempDir
    Path home;
    private Map<String, String> env;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        env = Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString());
        ConfigWriter.putAccount(home.resolve("config.toml"), new AccountSettings("me", "google", null, null, "client", null,
                null, "me@gmail.com", List.of(), null, null, null, null, null, null, null, null, null, null, null, null, null));
        save(Instant.now().plusSeconds(3600));
    }

    private void save(Instant expiry) {
        EncryptedFileStore.openWithKeyFile(home.resolve("tokens")).save("me",
                new TokenSet("cached-token", expiry, "refresh", Instant.now(), List.of(), null));
    }

    private boolean run(String... args) {
        return TokenFastPath.tryRun(args, new PrintStream(printed, true, StandardCharsets.UTF_8), env);
    }

    @Test
    void printsAValidCachedTokenInEveryFormat() {
        assertThat(run("token", "me")).isTrue();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("cached-token" + System.lineSeparator());
        printed.reset();
        assertThat(run("token", "me", "--format", "xoauth2", "--base64")).isTrue();
        assertThat(new String(Base64.getDecoder().decode(printed.toString(StandardCharsets.UTF_8).strip()), StandardCharsets.UTF_8))
                .isEqualTo("user=me@gmail.com\u0001auth=Bearer cached-token\u0001\u0001");
    }

    @Test
    void aLongerRefreshMarginFromTheConfigIsHonoured() throws Exception {
        save(Instant.now().plusSeconds(8 * 60)); // valid for 8 more minutes: fine by the default 5-minute margin
        assertThat(run("token", "me")).isTrue();
        printed.reset();
        java.nio.file.Files.writeString(home.resolve("config.toml"), "\n[tokens]\nrefresh_margin = \"10m\"\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(run("token", "me")).as("inside a 10-minute margin: the full command refreshes").isFalse();
        assertThat(printed.size()).isZero();
    }

    @Test
    void servesAccountsWithATokensTableAStoreFolderAndListenersAsTheFullCommandDoes() throws Exception {
        Path config = home.resolve("config.toml");
        java.nio.file.Files.writeString(config, "\n[tokens]\nrefresh_margin = \"5m\"\ntimeout = \"15s\"\n\n[[listener]]\n"
                + "protocol = \"imap\"\nlisten = \"127.0.0.1:1143\"\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(TokenSettingsScan.scan(java.nio.file.Files.readString(config), "me")).as("the lean scan vouches for it").isNotNull();
        assertThat(run("token", "me")).isTrue();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo(fullCommand("token", "me")).isEqualTo("cached-token\n");

        // Tokens in a folder of their own ([store] dir): found there, as the full command finds them.
        Path elsewhere = home.resolve("elsewhere");
        EncryptedFileStore.openWithKeyFile(elsewhere).save("me",
                new TokenSet("elsewhere-token", Instant.now().plusSeconds(3600), "refresh", Instant.now(), List.of(), null));
        java.nio.file.Files.writeString(config, "[store]\ndir = \"" + elsewhere + "\"\n\n" + java.nio.file.Files.readString(config));
        assertThat(TokenSettingsScan.scan(java.nio.file.Files.readString(config), "me")).isNotNull();
        printed.reset();
        assertThat(run("token", "me")).isTrue();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo(fullCommand("token", "me")).isEqualTo("elsewhere-token\n");
    }

    private String fullCommand(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.PrintWriter err = new java.io.PrintWriter(new java.io.StringWriter());
        java.io.PrintWriter writer = new java.io.PrintWriter(out);
        int exit = io.oauthmail.cli.OAuthMailCli.run(args, writer, err, java.io.InputStream.nullInputStream(), env);
        writer.flush();
        assertThat(exit).isZero();
        return out.toString().replace(System.lineSeparator(), "\n");
    }

    @Test
    void handsEverythingElseToTheFullCommandHavingPrintedNothing() {
        save(Instant.now().plusSeconds(60)); // inside the refresh margin: a refresh is needed
        assertThat(run("token", "me")).isFalse();
        save(Instant.now().plusSeconds(3600));
        assertThat(run("token", "nobody")).isFalse();
        assertThat(run("token", "me", "--format", "yaml")).isFalse();
        assertThat(run("token", "me", "--verbose")).isFalse();
        assertThat(run("token", "--help")).isFalse();
        assertThat(run("refresh", "me")).isFalse();
        env = Map.of("OAUTHMAIL_HOME", home.toString(), "OAUTHMAIL_PASSPHRASE", "x");
        assertThat(run("token", "me")).isFalse();
        assertThat(printed.size()).isZero();
    }
}
