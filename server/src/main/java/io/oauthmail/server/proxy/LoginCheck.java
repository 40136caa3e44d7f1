package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local login, in the order that keeps the owner in and guessers slow: a password known to be right is
 * recognised first (microseconds, no lock, no throttle), so no amount of guessing delays it; any other password
 * waits its address's turn ({@link LoginThrottle}) and then costs one slow hash, for a known name and an unknown one
 * alike (same work, same time, same reply: names cannot be told apart from outside). A failure is counted against
 * the address and logged in one line that fail2ban can match:
 *
 * <pre>oauthmail: local login failed for account "NAME" from 203.0.113.7 (imap)</pre>
 *
 * <p>No I/O: it blocks the calling thread for the throttle's wait and the hash, so a non-blocking session runs it
 * on a worker thread (or asks the throttle and the passwords itself, in the same order).
 *
 * <p>Public for the relay's listener (server.relay), which logs clients in with the same local passwords and rules.
 */
public final class LoginCheck {

    private static final Logger LOG = LoggerFactory.getLogger(LoginCheck.class);
    /** Longer names are cut in the log: a client chooses them, and a log line is no place for a kilobyte of it. */
    private static final int MAX_LOGGED_NAME = 100;

    private final Map<String, Account> accounts;
    private final LocalPasswords passwords;
    private final String protocol;

    /** {@code protocol} names the listener in the log line: imap, smtp or pop3. */
    public LoginCheck(Map<String, Account> accounts, LocalPasswords passwords, String protocol) {
        this.accounts = Map.copyOf(accounts);
        this.passwords = passwords;
        this.protocol = protocol;
    }

    /** The account {@code name} logs in to with {@code password} from {@code from}, or null (logged, counted). */
    public Account login(String name, String password, InetAddress from) {
        Account account = accounts.get(name);
        char[] candidate = password.toCharArray();
        // Asked for every name, served here or not, so that a name's existence costs no different time.
        boolean knownGood = passwords.knownGood(name, candidate);
        if (knownGood && account != null) {
            return account;
        }
        LoginThrottle throttle = passwords.throttle();
        Duration wait = throttle.beforeCheck(from);
        if (!wait.isZero() && passwords.knownGoodWithin(name, candidate, wait) && account != null) {
            return account; // another session of the same client verified this password meanwhile
        }
        if (passwords.verify(name, candidate) && account != null) {
            return account;
        }
        throttle.failed(from);
        // The text is what fail2ban matches (README): key-value pairs add the fields for --log-format json only.
        LOG.atWarn().addKeyValue("event", "proxy_login").addKeyValue("account", printable(name)).addKeyValue("protocol", protocol)
                .addKeyValue("client", from.getHostAddress()).addKeyValue("outcome", "refused")
                .log("oauthmail: local login failed for account \"{}\" from {} ({})", printable(name), from.getHostAddress(), protocol);
        return null;
    }

    /**
     * The name as the log may show it: control characters (a CRLF would forge a log line) and quotes (which end the
     * field fail2ban reads) become {@code ?}, and it is cut at {@value #MAX_LOGGED_NAME} characters.
     */
    static String printable(String name) {
        String cut = name.length() > MAX_LOGGED_NAME ? name.substring(0, MAX_LOGGED_NAME) + "..." : name;
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) || c == '"' || c == '\\'
                || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.LINE_SEPARATOR
                || Character.getType(c) == Character.PARAGRAPH_SEPARATOR ? '?' : c));
        return out.toString();
    }
}
