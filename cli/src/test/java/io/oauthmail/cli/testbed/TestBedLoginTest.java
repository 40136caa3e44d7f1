package io.oauthmail.cli.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.TokenSet;
import io.oauthmail.cli.testbed.TestBedHome.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oauthmail login} against Keycloak's real pages, with the test bed's {@code browser.py} as the user's
 * browser: the device flow with and without PKCE, and a login as another person than the account's address.
 */
@Tag("testbed")
@ExtendWith(TestBed.class)
class TestBedLoginTest {

    /** {@code mail-cli} makes Keycloak demand PKCE on the device authorization request too (not only RFC 8628). */
    @Test
    void deviceFlowWithPkceOnTheDeviceRequest(TestBed.User user, @TempDir Path dir) throws Exception {
        loginWithTheDeviceFlow(user, dir, TestBed.CLI);
    }

    /** {@code mail-cli-lax}: plain RFC 8628. */
    @Test
    void deviceFlowWithoutPkce(TestBed.User user, @TempDir Path dir) throws Exception {
        loginWithTheDeviceFlow(user, dir, TestBed.CLI_LAX);
    }

    private static void loginWithTheDeviceFlow(TestBed.User user, Path dir, String client) throws Exception {
        TestBedHome home = new TestBedHome(dir);
        String account = "device";
        home.addAccount(account, client);
        Run login = home.browserLogin(user, "device", account, "--flow", "device");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.err()).contains("[browser] DEVICE APPROVED");
        assertThat(login.toolErr()).contains("logged in: " + account + " as " + user.email());
        TokenSet stored = home.stored(account).orElseThrow();
        assertThat(stored.refresh()).as("a refresh token is stored").isPresent();
        Run test = home.cli("test", account, "imap");
        assertThat(test.exit()).as(test.out() + test.err()).isZero();
        assertThat(test.out()).contains("OK: authenticated as " + user.email());
    }

    /**
     * The account says one address, the person logs in as another: the login is refused, names who logged in,
     * and stores nothing. The account's address is postmaster's, a mailbox with no Keycloak user, so this test
     * touches no other test's user.
     */
    @Test
    void aLoginAsSomeoneElseIsRefusedAndNothingIsStored(TestBed.User user, @TempDir Path dir) throws Exception {
        TestBedHome home = new TestBedHome(dir);
        String account = "mm";
        home.addAccount(account, TestBed.CLI, "--email", "postmaster@" + TestBed.DOMAIN);
        Run login = home.browserLogin(user, "loopback", account, "--no-browser");
        assertThat(login.exit()).as(login.err()).isNotZero();
        assertThat(login.toolErr()).contains(user.email()).doesNotContain("logged in: ");
        assertThat(home.stored(account)).as("no tokens stored for %s", account).isEmpty();
    }
}
