package io.oauthmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** JdbcSchema asks the history table for {@link JdbcSchema#LATEST} before it loads Flyway: the two must agree. */
class JdbcSchemaTest {

    @Test
    void theNewestMigrationIsTheOneTheQuickCheckAsksFor() throws Exception {
        Path folder = Path.of(JdbcSchema.class.getClassLoader().getResource(JdbcSchema.MIGRATIONS).toURI());
        try (Stream<Path> files = Files.list(folder)) {
            int newest = files.map(f -> f.getFileName().toString())
                    .filter(name -> name.matches("V\\d+__.*\\.sql"))
                    .map(name -> Integer.parseInt(name.substring(1, name.indexOf("__"))))
                    .max(Comparator.naturalOrder()).orElseThrow();
            assertThat(JdbcSchema.LATEST).isEqualTo(Integer.toString(newest));
        }
    }
}
