package io.oauthmail.cli.mail;

import io.oauthmail.error.OAuthMailException;
import io.oauthmail.store.OwnerOnlyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;

/**
 * What {@code fetch --new} remembers per account and folder: the folder's UIDVALIDITY and the last UID
 * shown. A small properties file in the state folder, replaced atomically.
 */
record FetchState(long uidValidity, long lastUid) {

    static final FetchState NONE = new FetchState(0, 0);

    static Path file(Path stateDir, String account, String folder) {
        String name = Base64.getUrlEncoder().withoutPadding()
                .encodeToString((account + "\n" + folder).getBytes(StandardCharsets.UTF_8));
        return stateDir.resolve("fetch").resolve(name + ".state");
    }

    static FetchState read(Path file) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
            return new FetchState(Long.parseLong(p.getProperty("uidvalidity", "0")), Long.parseLong(p.getProperty("lastuid", "0")));
        } catch (NoSuchFileException e) {
            return NONE;
        } catch (IOException | NumberFormatException e) {
            throw new OAuthMailException("cannot read the fetch state " + file + ": " + e.getMessage(),
                    "delete it to start over (the next fetch --new shows everything)", e);
        }
    }

    void write(Path file) {
        try {
            OwnerOnlyFile.write(file, "uidvalidity=" + uidValidity + "\nlastuid=" + lastUid + "\n");
        } catch (IOException e) {
            throw new OAuthMailException("cannot save the fetch state " + file + ": " + e.getMessage(), null, e);
        }
    }
}
