package io.oauthmail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptedFileStoreTest {

    @TempDir
    Path dir;

    private final TokenSet tokens = new TokenSet("access-SECRET-1", Instant.ofEpochSecond(2_000_000_000L),
            "refresh-SECRET-2", Instant.ofEpochSecond(1_900_000_000L), List.of("https://mail.google.com/"), null);

    @Test
    void roundTripsAndKeepsNothingInTheClear() throws Exception {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save("me@example.com", tokens);
        assertThat(store.load("me@example.com")).contains(tokens);
        Path file = store.fileOf("me@example.com");
        String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertThat(raw).doesNotContain("SECRET").doesNotContain("mail.google.com");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("store.key")))).isEqualTo("rw-------");
        assertThat(store.load("nobody@example.com")).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(".tmp-"));
        }
    }

    @Test
    void aTamperedFileIsRefused() throws Exception {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save("me", tokens);
        Path file = store.fileOf("me");
        byte[] data = Files.readAllBytes(file);
        data[data.length - 5] ^= 1;
        Files.write(file, data);
        assertThatThrownBy(() -> store.load("me")).isInstanceOf(OAuthMailException.class)
                .hasMessageContaining("does not decrypt").hasMessageNotContaining("SECRET");
    }

    @Test
    void aTruncatedFileIsRefused() throws Exception {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save("me", tokens);
        Path file = store.fileOf("me");
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 10));
        assertThatThrownBy(() -> store.load("me")).isInstanceOf(OAuthMailException.class).hasMessageContaining("truncated");
    }

    @Test
    void aFileRenamedToAnotherAccountDoesNotDecrypt() throws Exception {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save("alice", tokens);
        Files.copy(store.fileOf("alice"), store.fileOf("mallory"));
        assertThatThrownBy(() -> store.load("mallory")).isInstanceOf(OAuthMailException.class);
    }

    @Test
    void aWorldReadableFileIsRefusedWithTheFix() throws Exception {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save("me", tokens);
        Files.setPosixFilePermissions(store.fileOf("me"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> store.load("me")).isInstanceOf(OAuthMailException.class)
                .hasMessageContaining("chmod 600");
    }

    @Test
    void anotherKeyCannotReadTheTokens() {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save("me", tokens);
        EncryptedFileStore other = new EncryptedFileStore(dir, new byte[32]);
        assertThatThrownBy(() -> other.load("me")).isInstanceOf(OAuthMailException.class);
    }

    @Test
    void oddAccountNamesGetSafeFileNames() {
        assertThat(EncryptedFileStore.fileName("me@example.com")).isEqualTo("me@example.com.token");
        assertThat(EncryptedFileStore.fileName("../etc/passwd")).startsWith("b64-").doesNotContain("/");
        assertThat(EncryptedFileStore.fileName(".hidden")).startsWith("b64-");
    }
}
