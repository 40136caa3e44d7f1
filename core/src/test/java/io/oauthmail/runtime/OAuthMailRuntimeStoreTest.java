package io.oauthmail.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.TokenSet;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.Stores;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A program that names its token store itself gets it opened as the config's would be, and the config's is left alone. */
class OAuthMailRuntimeStoreTest {

    @Test
    void withStoreLocationKeepsTheTokensThereInsteadOfTheConfigsStore(@TempDir Path home, @TempDir Path elsewhere) {
        OAuthMailRuntime runtime = OAuthMailRuntime.fromEnvironment(Map.of("OAUTHMAIL_HOME", home.toString()), null);
        Instant now = Instant.now();
        TokenSet tokens = new TokenSet("access", now.plusSeconds(3600), "refresh", now, List.of("mail"), null, now);

        runtime.withStoreLocation(new Stores.Location("file", elsewhere, null)).store().save("me", tokens);

        assertThat(EncryptedFileStore.openWithKeyFile(elsewhere).load("me")).contains(tokens);
        assertThat(runtime.store().load("me")).as("the config's store, in OAUTHMAIL_HOME").isEmpty();
    }
}
