package io.oauthmail.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenSettingsScanTest {

    private static TokenSettingsScan.Found scan(String text) {
        return TokenSettingsScan.scan(text, "me");
    }

    @Test
    void vouchesForPlainDeclarations() {
        assertThat(scan("[accounts.\"me\"]\nprovider = \"google\"\n")).isEqualTo(new TokenSettingsScan.Found(null, null));
        assertThat(scan("[accounts.me]\n")).isNotNull();
        assertThat(scan("# a comment\n\n[accounts.me]\r\nprovider = \"google\"\r\n")).isNotNull();
        assertThat(scan("[accounts.other]\n")).isNull();
        assertThat(scan("# [accounts.me]\n")).isNull();
        assertThat(scan("accounts = { me = {} }\n")).isNull();
        assertThat(scan("[accounts.me]\n[accounts.me]\n")).as("declared twice: the parser reports it").isNull();
    }

    @Test
    void readsTheTokensTableTheStoreFolderAndSkipsListeners() {
        assertThat(scan("[accounts.me]\n\n[tokens]\nrefresh_margin = \"10m\"  # longer tokens\ntimeout = \"30s\"\n"))
                .isEqualTo(new TokenSettingsScan.Found(null, Duration.ofMinutes(10)));
        assertThat(scan("[tokens]\ntimeout = \"1m\"\n[accounts.me]\n")).isEqualTo(new TokenSettingsScan.Found(null, null));
        assertThat(scan("[store]\ndir = \"/var/lib/oauthmail\"\nkind = \"file\"\n[accounts.me]\n"))
                .isEqualTo(new TokenSettingsScan.Found(Path.of("/var/lib/oauthmail"), null));
        assertThat(scan("[accounts.me]\n[serve]\non_token_refreshed = \"x\"\n[[listener]]\nprotocol = \"imap\"\n"
                + "listen = \"127.0.0.1:1143\"\naccounts = [\"me\"]\n")).isNotNull();
    }

    @Test
    void sendsEverythingItCannotVouchForToTheParser() {
        for (String text : new String[] {
            "[store]\nkind = \"h2\"\n[accounts.me]\n",
            "[store]\npassphrase_cmd = \"pass x\"\n[accounts.me]\n",
            "[store.x]\n[accounts.me]\n",
            "store.dir = \"/x\"\n[accounts.me]\n",
            "tokens = { refresh_margin = \"10m\" }\n[accounts.me]\n",
            "[accounts.me]\n[tokens]\nrefresh_margin = \"1h\"\n",      // out of range: the parser names the line
            "[accounts.me]\n[tokens]\nrefresh_margin = \"soon\"\n",
            "[accounts.me]\n[tokens]\ntimeout = \"1s\"\n",
            "[accounts.me]\n[tokens]\nmargin = \"5m\"\n",               // unknown key
            "[accounts.me]\n[tokens]\nrefresh_margin = 600\n",          // not a string
            "[store]\ndir = \"C:\\\\tokens\"\n[accounts.me]\n",         // an escape
            "[accounts.me]\nnote = \"\"\"\n[store]\n\"\"\"\n",          // a multi-line string
            "[[tokens]]\n[accounts.me]\n",
        }) {
            assertThat(scan(text)).as(text).isNull();
        }
    }

    @Test
    void durationsAsTheConfigWritesThem() {
        assertThat(TokenSettingsScan.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(TokenSettingsScan.parseDuration(" 90s ")).isEqualTo(Duration.ofSeconds(90));
        assertThat(TokenSettingsScan.parseDuration("120")).isEqualTo(Duration.ofSeconds(120));
        assertThat(TokenSettingsScan.parseDuration("2 h")).isEqualTo(Duration.ofHours(2));
        for (String bad : new String[] {"", "m", "-5m", "5d", "1234567s", "5mm", "soon"}) {
            assertThat(TokenSettingsScan.parseDuration(bad)).as(bad).isNull();
        }
    }
}
