package io.oauthmail.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.account.TokenSet;
import io.oauthmail.store.OwnerOnlyFile;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A durable note that an account's grant is lost: the provider refused its refresh token. The store still holds
 * that dead token (a new login replaces it), so the store alone would show the account as fine until its access
 * token runs out; whoever learns of the loss (the daemon's refresher, a command that failed with exit code 3)
 * writes it here, and {@code oauthmail accounts} reads it.
 *
 * <p>One owner-only file per account in {@code STATE/lost-grants/}, naming the refused refresh token by a SHA-256
 * fingerprint (never the token). A note counts only while the store still holds that same refresh token: a new
 * login, or a refresh that rotated the token, makes it stale without anyone having to remember to delete it.
 */
public final class LostGrants {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What is known of a loss: why the provider refused, and when it was learned. */
    public record LostGrant(String reason, Instant at) {
    }

    private final Path dir;

    public LostGrants(Path dir) {
        this.dir = dir;
    }

    /** The notes of the installation whose state folder is {@code stateDir}. */
    public static LostGrants in(Path stateDir) {
        return new LostGrants(stateDir.resolve("lost-grants"));
    }

    /** Notes that {@code refused}'s refresh token was refused; nothing is noted for tokens without one. */
    public void record(String account, TokenSet refused, String reason, Instant at) throws IOException {
        if (refused == null || refused.refreshToken() == null) {
            return; // no refresh token: the store itself already says a login is needed once the token expires
        }
        Map<String, String> note = new LinkedHashMap<>();
        note.put("refresh_token_sha256", fingerprint(refused.refreshToken()));
        note.put("at", at.toString());
        note.put("reason", reason);
        OwnerOnlyFile.write(file(account), JSON.writeValueAsString(note) + "\n");
    }

    /** The loss noted for {@code stored}'s refresh token, if any; a note about another token is stale and ignored. */
    public Optional<LostGrant> find(String account, TokenSet stored) {
        if (stored == null || stored.refreshToken() == null) {
            return Optional.empty();
        }
        try {
            JsonNode note = JSON.readTree(Files.readString(file(account)));
            if (!fingerprint(stored.refreshToken()).equals(note.path("refresh_token_sha256").asText())) {
                return Optional.empty();
            }
            return Optional.of(new LostGrant(note.path("reason").asText(null), Instant.parse(note.path("at").asText())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | DateTimeParseException e) {
            return Optional.empty(); // a damaged note says nothing; the next loss writes it anew
        }
    }

    /** Forgets the note: after a successful refresh or login. */
    public void clear(String account) throws IOException {
        Files.deleteIfExists(file(account));
    }

    private Path file(String account) {
        // Account names are the user's (addresses, "work/gmail"): encoded so that each is one plain file name.
        return dir.resolve(URLEncoder.encode(account, StandardCharsets.UTF_8).replace("*", "%2A") + ".json");
    }

    private static String fingerprint(String refreshToken) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(refreshToken.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
