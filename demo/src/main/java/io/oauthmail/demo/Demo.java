package io.oauthmail.demo;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.mail.Email;
import io.oauthmail.mail.InboxReader;
import io.oauthmail.mail.MailProtocol;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.MessageSummary;
import io.oauthmail.mail.SmtpSender;
import io.oauthmail.oauth.Authorization;
import io.oauthmail.oauth.LoopbackFlow;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.sasl.SaslFailure;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.token.Redacted;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The demo's steps: what a user does with a real provider, through the same code paths, against the
 * sandbox. Each step verifies what it claims and prints one line; the first that does not verify stops
 * the demo with {@link DemoStepFailed}.
 */
final class Demo {

    private static final String ALICE = "alice@sandbox.test";
    private static final String BOB = "bob@sandbox.test";

    private final PrintWriter out;
    private final Clock clock = Clock.systemUTC();

    Demo(PrintWriter out) {
        this.out = out;
    }

    DemoResult run(Sandbox sandbox, Path home) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Account alice = DemoAccounts.of(sandbox, ALICE);
        Account bob = DemoAccounts.of(sandbox, BOB);
        Path storeDir = home.resolve("tokens");
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(storeDir);
        TokenManager tokens = new TokenManager(store, clock);
        MailSessions sessions = new MailSessions(tokens, Duration.ofSeconds(15));

        List<Authorization> logins = new ArrayList<>();
        step("authorize", () -> {
            StringBuilder url = new StringBuilder();
            for (Account account : List.of(alice, bob)) {
                logins.add(authorize(sandbox, account, url));
            }
            TokenSet t = logins.get(0).tokens();
            return ALICE + " and " + BOB + " authorized in the browser: loopback redirect on 127.0.0.1, PKCE S256, "
                    + "state checked; access token " + Redacted.token(t.accessToken()) + " valid "
                    + Duration.between(Instant.now(), t.expiresAt()).toMinutes() + " min, refresh token kept"
                    + String.format("%n%20sthe URL a person opens: %s", "", url);
        });

        step("store", () -> {
            store.save(alice.name(), logins.get(0).tokens());
            store.save(bob.name(), logins.get(1).tokens());
            Path file = storeDir.resolve(ALICE + ".token");
            verifyStoredSafely(file, logins.get(0).tokens());
            require(store.load(alice.name()).orElseThrow().equals(logins.get(0).tokens()), "tokens did not load back intact");
            return "tokens encrypted with AES-256-GCM in " + storeDir + " (files 0600, nothing in the clear), reloaded intact";
        });

        String html = "<h1>Hello Bob</h1><p>This came through <b>oauthmail</b> with <a href=\"https://oauth.net/2/\">OAuth 2.0</a>.</p>"
                + "<ul><li>no password</li><li>a fresh token</li></ul>";
        step("send", () -> {
            String id = sendOnce(sessions, alice, Email.to(BOB).subject("oauthmail demo " + run + ": STARTTLS").html(html));
            return "HTML + text mail " + ALICE + " -> " + BOB + " over SMTP " + alice.provider().smtp()
                    + " with XOAUTH2, " + id;
        });
        Account aliceOverSmtps = DemoAccounts.overSmtps(sandbox, alice);
        step("send", () -> {
            String id = sendOnce(sessions, aliceOverSmtps, Email.to(BOB).subject("oauthmail demo " + run + ": SMTPS").html(html));
            return "the same again over SMTP " + aliceOverSmtps.provider().smtp() + " with XOAUTH2, " + id;
        });

        List<MessageSummary> received = new ArrayList<>();
        step("read", () -> {
            for (MessageSummary m : new InboxReader(sessions).list(bob, "INBOX", 20)) {
                if (m.subject() != null && m.subject().startsWith("oauthmail demo " + run)) {
                    received.add(m);
                }
            }
            require(received.size() == 2, "expected 2 new messages in bob's INBOX, found " + received.size());
            for (MessageSummary m : received) {
                require(m.parts().equals(List.of("text/plain", "text/html")),
                        "message '" + m.subject() + "' has parts " + m.parts() + ", not text/plain + text/html");
            }
            StringBuilder line = new StringBuilder(BOB + "'s INBOX over IMAPS " + bob.provider().imap() + " with XOAUTH2:");
            for (MessageSummary m : received) {
                line.append(String.format(Locale.ROOT, "%n%20s\"%s\" %s, %d bytes", "", m.subject(), m.parts(), m.size()));
            }
            return line.toString();
        });

        int[] refreshes = new int[1];
        step("refresh", () -> {
            TokenSet before = store.load(alice.name()).orElseThrow();
            store.save(alice.name(), before.withExpiresAt(clock.instant().minusSeconds(1)));
            int requestsBefore = sandbox.tokenRequests("refresh_token");
            sendOnce(sessions, alice, Email.to(BOB).subject("oauthmail demo " + run + ": after expiry").text("still here"));
            refreshes[0] = sandbox.tokenRequests("refresh_token") - requestsBefore;
            TokenSet after = store.load(alice.name()).orElseThrow();
            require(refreshes[0] == 1, "expected exactly 1 refresh request, the OAuth server saw " + refreshes[0]);
            require(!after.accessToken().equals(before.accessToken()) && after.expiresAt().isAfter(clock.instant()),
                    "the stored access token was not replaced by a valid one");
            require(!after.refreshToken().equals(before.refreshToken()), "the rotated refresh token was not saved");
            return "access token forced to expire; the next send refreshed it transparently (1 request to the "
                    + "token endpoint), saved the rotated refresh token, and went through";
        });

        SaslFailure[] refusal = new SaslFailure[1];
        step("wrong token", () -> {
            String bobsToken = store.load(bob.name()).orElseThrow().accessToken();
            refusal[0] = refusedLogin(sessions, alice, bobsToken);
            require("401".equals(refusal[0].status()), "expected status 401 in the challenge, got " + refusal[0]);
            return "bob's token presented as alice: the server refused it with a 334 challenge " + refusal[0]
                    + ", i.e. " + refusal[0].diagnosis();
        });
        return new DemoResult(List.copyOf(received), refreshes[0], refusal[0]);
    }

    /** Each step logs in anew, as a separate program would: that is what shows the refresh. */
    private static String sendOnce(MailSessions sessions, Account account, Email email) {
        try (SmtpSender sender = new SmtpSender(sessions)) {
            return sender.send(account, email);
        }
    }

    private Authorization authorize(Sandbox sandbox, Account account, StringBuilder firstUrl) {
        try (LoopbackFlow.Pending login = new LoopbackFlow(account, clock, Duration.ofSeconds(30)).begin(0)) {
            String url = login.authorizationUrl().toString();
            require(url.contains("code_challenge_method=S256") && url.contains("state="), "the URL lacks PKCE or state");
            if (firstUrl.length() == 0) {
                firstUrl.append(url);
            }
            sandbox.browser().approve(login.authorizationUrl(), account.email());
            Authorization result = login.await();
            require(account.email().equals(result.email()), "the ID token names " + result.email() + ", not " + account.email());
            require(result.tokens().refresh().isPresent(), "no refresh token was issued");
            return result;
        }
    }

    private static void verifyStoredSafely(Path file, TokenSet tokens) throws IOException {
        require(Files.exists(file), "no token file at " + file);
        require(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)).equals("rw-------"),
                "the token file is not 0600");
        String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        require(!raw.contains(tokens.accessToken()) && !raw.contains(tokens.refreshToken()), "a token is stored in the clear");
    }

    /** Logs in to the submission port with {@code wrongToken}, bypassing the token manager, and decodes the refusal. */
    private static SaslFailure refusedLogin(MailSessions sessions, Account account, String wrongToken) {
        MailSessions.LoginAttempt attempt = sessions.tryLogin(account, MailProtocol.SMTP, wrongToken);
        if (attempt.accepted()) {
            throw new DemoStepFailed("wrong token", "the server accepted a token issued to another user", null);
        }
        return attempt.failureChallenge().orElseThrow(() -> new DemoStepFailed("wrong token",
                "the refusal carried no decodable challenge: " + attempt.reply(), null));
    }

    private interface Step {
        String run() throws Exception;
    }

    private void step(String name, Step step) {
        long start = System.nanoTime();
        String detail;
        try {
            detail = step.run();
        } catch (Unverified e) {
            throw new DemoStepFailed(name, e.getMessage(), null);
        } catch (DemoStepFailed e) {
            throw e;
        } catch (OAuthMailException e) {
            throw new DemoStepFailed(name, e.messageWithHint(), e);
        } catch (Exception e) {
            throw new DemoStepFailed(name, e.toString(), e);
        }
        out.printf(Locale.ROOT, "  %-11s %5.2f s  %s%n", name, (System.nanoTime() - start) / 1e9, detail);
        out.flush();
    }

    private static void require(boolean condition, String otherwise) {
        if (!condition) {
            throw new Unverified(otherwise);
        }
    }

    /** A step's check did not hold; {@link #step} names the step. */
    private static final class Unverified extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unverified(String what) {
            super(what, null, false, false);
        }
    }

}
