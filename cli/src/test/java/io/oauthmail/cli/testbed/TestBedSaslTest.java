package io.oauthmail.cli.testbed;

import static io.oauthmail.cli.testbed.TestBed.fingerprint;
import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.TokenSet;
import io.oauthmail.cli.testbed.TestBedHome.Run;
import io.oauthmail.sasl.XOAuth2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, items 4 and 6, on the real servers: Dovecot offers XOAUTH2 and OAUTHBEARER on IMAP and POP3, Postfix's
 * port 1588 only XOAUTH2. A forced mechanism is used, or refused naming what the server offers; {@code accounts
 * add} run again keeps the address learned at a real login.
 */
@Tag("testbed")
@ExtendWith(TestBed.class)
class TestBedSaslTest {

    private static final String XOAUTH2_ONLY = TestBed.HOST + ":" + TestBed.SUBMISSION_XOAUTH2_ONLY + ":starttls";

    @Test
    void aForcedMechanismIsUsedOrRefusedByName(TestBed.User user, @TempDir Path dir) throws Exception {
        TestBedHome home = new TestBedHome(dir);
        String account = "forced";
        String[] options = {"--client-secret", TestBed.TEST_SECRET, "--email", user.email(), "--smtp", XOAUTH2_ONLY};
        home.addAccount(account, TestBed.TEST, append(options, "--sasl", "oauthbearer"));
        home.store(account, TestBed.passwordGrant(TestBed.TEST, user));
        TokenSet stored = home.stored(account).orElseThrow();

        Run test = home.cli("test", account, "--trace");
        assertThat(test.exit()).as(test.out() + test.err()).isEqualTo(1);
        assertThat(test.out())
                .containsPattern("(?m)^pop3 .*OK: authenticated as " + user.email() + " with OAUTHBEARER in")
                .containsPattern("(?m)^imap .*OK: authenticated as " + user.email() + " with OAUTHBEARER in")
                .containsPattern("(?m)^smtp .*FAILED: account " + account + ": the SMTP server " + XOAUTH2_ONLY.replace(":starttls", "")
                        + " offers none of OAUTHBEARER \\(forced by the account's sasl setting\\); it offers XOAUTH2; no token was sent")
                .contains("--sasl xoauth2");
        assertThat(test.err()).as("POP3 sends its long response after the AUTH line (RFC 5034)")
                .containsPattern("(?m)^AUTH OAUTHBEARER$").contains("AUTHENTICATE OAUTHBEARER <redacted")
                .doesNotContainPattern("(?m)^AUTH XOAUTH2").doesNotContain("AUTHENTICATE XOAUTH2").doesNotContain("\tat ").doesNotContain("Exception")
                .doesNotContain(stored.accessToken());
        assertThat(fingerprint(home.stored(account).orElseThrow().refreshToken()))
                .as("a mechanism the server lacks is no reason to refresh").isEqualTo(fingerprint(stored.refreshToken()));

        // Left to oauthmail, 1588 gets XOAUTH2, masked with the length of what was sent
        home.addAccount(account, TestBed.TEST, options);
        Run auto = home.cli("test", account, "smtp", "--trace");
        assertThat(auto.exit()).as(auto.out() + auto.err()).isZero();
        assertThat(auto.out()).contains("OK: authenticated as " + user.email() + " with XOAUTH2 in");
        String token = home.stored(account).orElseThrow().accessToken();
        assertThat(auto.err()).contains("AUTH XOAUTH2 <redacted " + XOAuth2.base64(user.email(), token).length() + " chars>")
                .doesNotContain("\tat ").doesNotContain(token);
    }

    /** The defect as reported: an account named "erinob", its address learned at login, then accounts add again. */
    @Test
    void accountsAddAgainKeepsTheAddressLearnedAtLogin(TestBed.User user, @TempDir Path dir) throws Exception {
        TestBedHome home = new TestBedHome(dir);
        String account = "erinob";
        home.addAccount(account, TestBed.CLI);
        Run login = home.browserLogin(user, "loopback", account, "--no-browser");
        assertThat(login.exit()).as(login.err()).isZero();
        TokenSet stored = home.stored(account).orElseThrow();

        home.addAccount(account, TestBed.CLI);
        assertThat(home.cli("accounts", "show", account).out()).contains("e-mail:        " + user.email());
        String subject = "re-added " + UUID.randomUUID();
        Path body = Files.writeString(dir.resolve("body.txt"), "sent after accounts add again\n");
        Run send = home.cli("send", account, "--to", user.email(), "--subject", subject, "--text", body.toString());
        assertThat(send.exit()).as(send.err()).isZero();
        Run test = home.cli("test", account, "smtp");
        assertThat(test.exit()).as(test.out() + test.err()).isZero();
        assertThat(fingerprint(home.stored(account).orElseThrow().refreshToken())).as("no refresh was needed")
                .isEqualTo(fingerprint(stored.refreshToken()));
    }

    private static String[] append(String[] options, String... more) {
        String[] all = java.util.Arrays.copyOf(options, options.length + more.length);
        System.arraycopy(more, 0, all, options.length, more.length);
        return all;
    }
}
