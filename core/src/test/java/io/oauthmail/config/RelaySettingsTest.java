package io.oauthmail.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config's {@code [relay]} table: spool folder, disk reserve, most messages, queue time, workers. */
class RelaySettingsTest {

    @TempDir
    Path dir;

    private Config parse(String text) {
        return ConfigReader.parse(dir.resolve("config.toml"), text, dir.resolve("tokens"));
    }

    @Test
    void leftOutItIsTheDefaultsAndEachKeyIsRead() {
        assertThat(parse("").relay()).isEqualTo(RelaySettings.DEFAULT);
        assertThat(parse("[relay]\n").relay()).isEqualTo(RelaySettings.DEFAULT);
        RelaySettings set = parse(String.join("\n", "[relay]", "spool = \"/var/spool/oauthmail\"", "reserve = \"2GiB\"",
                "max_messages = 0", "max_queue_time = \"12h\"", "workers = 8", "")).relay();
        assertThat(set).isEqualTo(new RelaySettings(Optional.of(Path.of("/var/spool/oauthmail")), 2L << 30, 0,
                Duration.ofHours(12), 8));
        assertThat(parse("[relay]\nburst_wait = \"0s\"\n").relay().burstWait()).isZero();
        assertThat(parse("[relay]\nburst_wait = \"30s\"\n").relay().burstWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(RelaySettings.DEFAULT.burstWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(parse("[relay]\nmax_queue_time = \"5d\"\nreserve = \"500MB\"\n").relay())
                .extracting(RelaySettings::maxQueueTime, RelaySettings::reserveBytes)
                .containsExactly(Duration.ofDays(5), 500_000_000L);
    }

    @Test
    void viaNamesHowEachAccountsMailGoesOutAndSmtpForTheRest() {
        RelaySettings set = parse(String.join("\n", "[relay]", "via = { \"work\" = \"graph\", \"me@gmail.com\" = \"gmail-api\" }",
                "")).relay();
        assertThat(set.via("work")).isEqualTo("graph");
        assertThat(set.via("me@gmail.com")).isEqualTo("gmail-api");
        assertThat(set.via("other")).isEqualTo("smtp");
        assertThatThrownBy(() -> parse("[relay]\nvia = { work = \"pigeon\" }\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("account work: 'pigeon' is not a way to send")
                .satisfies(e -> assertThat(((ConfigException) e).hint()).hasValueSatisfying(h -> assertThat(h).contains("smtp, gmail-api, graph")));
    }

    @Test
    void mistakesNameTheKeyTheLineAndAnExample() {
        assertThatThrownBy(() -> parse("[relay]\nreserve = \"lots\"\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining(":2: relay.reserve: 'lots' is not a size")
                .satisfies(e -> assertThat(((ConfigException) e).hint()).hasValueSatisfying(h -> assertThat(h).contains("\"100MiB\"")));
        assertThatThrownBy(() -> parse("[relay]\n\nmax_queue_time = \"5y\"\n"))
                .hasMessageContaining(":3: relay.max_queue_time: '5y' is not a time between 1m and 90d")
                .satisfies(e -> assertThat(((ConfigException) e).hint()).hasValueSatisfying(h -> assertThat(h).contains("\"5d\"")));
        assertThatThrownBy(() -> parse("[relay]\nmax_queue_time = \"100d\"\n")).hasMessageContaining("between 1m and 90d");
        assertThatThrownBy(() -> parse("[relay]\nworkers = 0\n")).hasMessageContaining("relay.workers: workers is at least 1");
        assertThatThrownBy(() -> parse("[relay]\nburst_wait = \"2m\"\n")).hasMessageContaining("relay.burst_wait: '2m' is not a time"
                + " between 0s and 1m");
        assertThatThrownBy(() -> parse("[relay]\nburst_wait = \"soon\"\n")).hasMessageContaining("relay.burst_wait: 'soon'");
        assertThatThrownBy(() -> parse("[relay]\nmax_messages = \"many\"\n")).hasMessageContaining("relay.max_messages: expected a whole number");
        assertThatThrownBy(() -> parse("[relay]\nqueue = \"x\"\n")).hasMessageContaining("relay.queue: unknown key")
                .satisfies(e -> assertThat(((ConfigException) e).hint()).hasValueSatisfying(h -> assertThat(h).contains("max_queue_time")));
    }

    @Test
    void sizesAndDaysAsPeopleWriteThem() {
        assertThat(RelaySettings.bytes("100MiB")).isEqualTo(100L << 20);
        assertThat(RelaySettings.bytes(" 1 gb ")).isEqualTo(1_000_000_000L);
        assertThat(RelaySettings.bytes("4096")).isEqualTo(4096L);
        for (String bad : new String[] {"", "MiB", "-1MiB", "1TiB", "1.5GiB", "9999999999999GiB"}) {
            assertThat(RelaySettings.bytes(bad)).as(bad).isNull();
        }
        assertThat(RelaySettings.days("5d")).isEqualTo(Duration.ofDays(5));
        assertThat(RelaySettings.days("90m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(RelaySettings.days("d")).isNull();
    }
}
