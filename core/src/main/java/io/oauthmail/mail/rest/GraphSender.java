package io.oauthmail.mail.rest;

import io.oauthmail.account.Account;
import io.oauthmail.error.MailFailure;
import io.oauthmail.mail.Sender;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.store.TokenStore;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Sends through Microsoft Graph ({@code POST /me/sendMail} with the MIME message, base64-encoded, as a
 * {@code text/plain} body), as the signed-in user of a Microsoft account. Useful where SMTP AUTH is disabled for
 * the tenant (535 5.7.139).
 *
 * <p>Graph needs its own access token (audience {@code graph.microsoft.com}, scope
 * {@code https://graph.microsoft.com/Mail.Send}), which this sender obtains from the account's same refresh token
 * and keeps beside the account's mail token in the store (under {@code ACCOUNT#graph}); the refresh token
 * Microsoft rotates on that refresh is saved back into the account's own record. The app registration needs the
 * delegated permission Mail.Send, consented by the user or an administrator.
 *
 * <p>Messages whose base64 body exceeds 4 MB, the request size limit of Graph's mail endpoints (about 3 MB of
 * MIME), are refused before anything is sent: larger mail needs SMTP or Graph's draft-and-upload-session route.
 */
public final class GraphSender implements Sender {

    /** Microsoft's endpoint; tests give their own. */
    public static final URI GRAPH_API = URI.create("https://graph.microsoft.com/");

    /**
     * 4 MB per request, counted on the base64 body that is sent. Microsoft states it for Outlook requests in
     * general, not on the sendMail page; it is also why attachments over 3 MB (4 MB in base64) need an upload
     * session. Read as MiB, so that Graph itself refuses anything in doubt and shows its own error.
     */
    static final long REQUEST_LIMIT = 4L * 1024 * 1024;

    static final RestApi API = new RestApi("Microsoft Graph", "the token must carry Mail.Send (" + GraphTokens.MAIL_SEND
            + "): grant the app registration the delegated Microsoft Graph permission Mail.Send (an administrator may "
            + "have to consent)");

    private final URI base;
    private final RestClient client;
    private final GraphTokens tokens;

    /** Microsoft's endpoint, 30 s timeouts, {@link RetryPolicy#DEFAULT}. */
    public GraphSender(TokenStore store, Clock clock) {
        this(store, clock, GRAPH_API, Duration.ofSeconds(30), RetryPolicy.DEFAULT, Sleeper.SYSTEM);
    }

    /**
     * @param store   the accounts' tokens; the Graph tokens are kept in it too
     * @param clock   when tokens expire; Graph tokens are refreshed {@link TokenManager#DEFAULT_MARGIN} ahead
     * @param base    the API's root, e.g. {@link #GRAPH_API}
     * @param timeout for connecting and for each answer, Graph's and the token endpoint's
     * @param retry   how 429 and 5xx answers (Graph's and the token endpoint's) are retried
     * @param sleeper waits between retries
     */
    public GraphSender(TokenStore store, Clock clock, URI base, Duration timeout, RetryPolicy retry, Sleeper sleeper) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.client = new RestClient(API, timeout, retry, sleeper);
        this.tokens = new GraphTokens(store, clock, TokenManager.DEFAULT_MARGIN, timeout, new Retrying(retry, sleeper));
    }

    /** Sends {@code message} as {@code account}'s signed-in user; returns its Message-ID (Graph answers 202 with no id). */
    @Override
    public String send(Account account, MimeMessage message) {
        if (account.app().isPresent()) {
            throw new MailFailure("account " + account.name() + " is app-only, and this sender sends as the signed-in user "
                    + "(/me/sendMail)", "send it over SMTP, or log in as the user", null);
        }
        byte[] body = Base64.getEncoder().encode(MimeBytes.of(account, message));
        MimeBytes.requireAtMost(account, "the message in base64", body.length, REQUEST_LIMIT,
                "of a Microsoft Graph sendMail request (about 3 MB of MIME)",
                "send it over SMTP (Exchange Online takes up to 35 MB), or make the attachments smaller");
        client.post(account, tokens, base.resolve("v1.0/me/sendMail"), "text/plain", body);
        try {
            return message.getMessageID();
        } catch (MessagingException e) {
            return null; // sent; only the header could not be read back
        }
    }

    /** Nothing to release: the JDK's HTTP client of Java 17 closes its idle connections itself. */
    @Override
    public void close() {
    }
}
