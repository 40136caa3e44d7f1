package io.oauthmail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreKeyTest {

    @TempDir
    Path dir;

    private final TokenSet tokens = new TokenSet("access", Instant.ofEpochSecond(2_000_000_000L), "refresh", null, List.of(), null);

    @Test
    void aPassphraseStoreOpensWithTheSamePassphraseOnly() throws Exception {
        EncryptedFileStore.open(dir, "correct horse".toCharArray()).save("me", tokens);
        assertThat(EncryptedFileStore.open(dir, "correct horse".toCharArray()).load("me")).contains(tokens);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("store.kdf")))).isEqualTo("rw-------");
        assertThat(dir.resolve("store.key")).doesNotExist();
        assertThatThrownBy(() -> EncryptedFileStore.open(dir, "wrong".toCharArray()))
                .isInstanceOf(OAuthMailException.class).hasMessageContaining("wrong passphrase");
        assertThatThrownBy(() -> EncryptedFileStore.open(dir, null))
                .isInstanceOf(OAuthMailException.class).hasMessageContaining("protected by a passphrase")
                .satisfies(e -> assertThat(((OAuthMailException) e).hint()).hasValueSatisfying(h -> assertThat(h).contains("OAUTHMAIL_PASSPHRASE")));
    }

    @Test
    void aKeyFileStoreRefusesAPassphraseInsteadOfStartingAnEmptyOne() {
        EncryptedFileStore.openWithKeyFile(dir).save("me", tokens);
        assertThatThrownBy(() -> EncryptedFileStore.open(dir, "pw".toCharArray()))
                .isInstanceOf(OAuthMailException.class).hasMessageContaining("key file");
    }

    @Test
    void derivationIsPbkdf2Sha256() throws Exception {
        // RFC 7914 section 11 test vector for PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1), first 32 bytes.
        byte[] key = StoreKey.derive("passwd".toCharArray(), "salt".getBytes(), 1);
        assertThat(java.util.HexFormat.of().formatHex(key)).isEqualTo("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    }
}
