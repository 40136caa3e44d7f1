package io.oauthmail.mail.rest;

import io.oauthmail.account.Account;
import io.oauthmail.error.MailFailure;
import io.oauthmail.mail.Sender;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Sends through the Gmail API ({@code users.messages.send} as {@code me}) with the account's own access token
 * from {@link TokenManager}; the token needs {@code https://www.googleapis.com/auth/gmail.send} (or a wider
 * Gmail scope such as {@code https://mail.google.com/}). Useful where SMTP is blocked or the narrower scope is
 * wanted. Returns the id Gmail gives the sent message.
 *
 * <p>Messages up to 5 MB go as JSON ({@code {"raw": base64url}}); larger ones to the media upload endpoint as
 * {@code message/rfc822} bytes, which spares the third that base64 adds. (Google's upload guide suggests
 * resumable uploads above 5 MB on unreliable networks; this sender reports a failed upload rather than resuming
 * it.) Messages over 35 MB, the upload limit of {@code messages.send}, are refused before anything is sent.
 */
public final class GmailApiSender implements Sender {

    /** Google's endpoint; tests give their own. */
    public static final URI GMAIL_API = URI.create("https://gmail.googleapis.com/");

    /** At most this much raw MIME goes inline as JSON; the simple JSON body would be a third larger again. */
    static final long INLINE_LIMIT = 5L * 1024 * 1024;
    /**
     * The "Maximum file size: 35MB" of {@code messages.send}'s media upload. Read as MiB: where Google means
     * decimal megabytes, Gmail refuses the last 1.7 MB itself (the failure shows its message), which is better
     * than refusing here what it would have taken.
     */
    static final long UPLOAD_LIMIT = 35L * 1024 * 1024;

    private static final RestApi API = new RestApi("the Gmail API",
            "the token must carry the gmail.send scope (https://www.googleapis.com/auth/gmail.send, or "
                    + "https://mail.google.com/): add it to the account's scopes");

    private final TokenSource tokens;
    private final URI base;
    private final RestClient client;

    /** Google's endpoint, 30 s timeouts, {@link RetryPolicy#DEFAULT}. */
    public GmailApiSender(TokenManager tokens) {
        this(tokens, GMAIL_API, Duration.ofSeconds(30), RetryPolicy.DEFAULT, Sleeper.SYSTEM);
    }

    /**
     * @param tokens  hands out the accounts' access tokens
     * @param base    the API's root, e.g. {@link #GMAIL_API}
     * @param timeout for connecting and for each answer (a large message gets more time to upload)
     * @param retry   how 429 and 5xx answers are retried
     * @param sleeper waits between retries
     */
    public GmailApiSender(TokenManager tokens, URI base, Duration timeout, RetryPolicy retry, Sleeper sleeper) {
        this.tokens = new TokenSource() {
            @Override
            public String token(Account account) {
                return tokens.accessToken(account);
            }

            @Override
            public String afterRejection(Account account, String rejected) {
                return tokens.tokenAfterRejection(account, rejected);
            }
        };
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.client = new RestClient(API, timeout, retry, sleeper);
    }

    /** Sends {@code message} as {@code account} (Gmail user {@code me}); returns Gmail's message id. */
    @Override
    public String send(Account account, MimeMessage message) {
        byte[] mime = MimeBytes.of(account, message);
        MimeBytes.requireAtMost(account, "the message", mime.length, UPLOAD_LIMIT, "that the Gmail API takes",
                "make the attachments smaller, or share large files as links");
        HttpResponse<String> response;
        if (mime.length <= INLINE_LIMIT) {
            byte[] json = jsonBody(Base64.getUrlEncoder().withoutPadding().encodeToString(mime));
            response = client.post(account, tokens, base.resolve("gmail/v1/users/me/messages/send"), "application/json", json);
        } else {
            response = client.post(account, tokens, base.resolve("upload/gmail/v1/users/me/messages/send?uploadType=media"),
                    "message/rfc822", mime);
        }
        return messageId(account, response);
    }

    private byte[] jsonBody(String raw) {
        try {
            return client.json().writeValueAsBytes(Map.of("raw", raw));
        } catch (IOException e) {
            throw new IllegalStateException("a map of one string is always JSON", e);
        }
    }

    private String messageId(Account account, HttpResponse<String> response) {
        String id;
        try {
            id = client.json().readTree(response.body()).path("id").asText("");
        } catch (IOException e) {
            id = "";
        }
        if (id.isEmpty()) {
            // Gmail said 2xx, so the message was most likely sent: say so, rather than "failed".
            throw new MailFailure("account " + account.name() + ": the Gmail API accepted the message (HTTP "
                    + response.statusCode() + ") but its answer has no message id",
                    "the message was most likely sent: look in the Sent folder before sending it again", null);
        }
        return id;
    }

    /** Nothing to release: the JDK's HTTP client of Java 17 closes its idle connections itself. */
    @Override
    public void close() {
    }
}
