package io.oauthmail.cli.token;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.cli.Json;
import io.oauthmail.provider.MailServer;
import io.oauthmail.sasl.OAuthBearer;
import io.oauthmail.sasl.XOAuth2;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/** What {@code oauthmail token} prints for each {@code --format}, shared by the command and its lean path. */
final class TokenOutput {

    static final Set<String> FORMATS = Set.of("token", "xoauth2", "oauthbearer", "json");

    private TokenOutput() {
    }

    static String format(Account account, TokenSet tokens, String format, boolean base64, Instant now) {
        String output = switch (format) {
            case "token" -> tokens.accessToken();
            case "xoauth2" -> XOAuth2.initialResponse(account.mailUser(), tokens.accessToken());
            case "oauthbearer" -> {
                MailServer server = account.provider().imap() != null ? account.provider().imap() : account.provider().smtp();
                yield OAuthBearer.initialResponse(account.mailUser(), server == null ? "" : server.host(),
                        server == null ? 0 : server.port(), tokens.accessToken());
            }
            case "json" -> Json.object("account", account.name(), "email", account.email(), "token_type", "Bearer",
                    "access_token", tokens.accessToken(), "expires_at", tokens.expiresAt().toString(),
                    "expires_in", Math.max(0, Duration.between(now, tokens.expiresAt()).toSeconds()));
            default -> throw new IllegalArgumentException("unknown --format '" + format
                    + "' (use token, xoauth2, oauthbearer or json)");
        };
        return base64 ? Base64.getEncoder().encodeToString(output.getBytes(StandardCharsets.UTF_8)) : output;
    }
}
