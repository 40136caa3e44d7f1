package io.oauthmail.testing;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.mail.InboxReader;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.MessageSummary;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.TokenStore;
import io.oauthmail.token.TokenManager;
import jakarta.mail.MessagingException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Opens a sandbox mailbox over IMAPS with given tokens, the way oauthmail itself would. */
public final class Mailboxes {

    private Mailboxes() {
    }

    /** True if the sandbox's SMTP servers accepted a message with this subject. */
    public static boolean delivered(Sandbox sandbox, String subject) {
        return received(sandbox, subject) > 0;
    }

    /** Stores {@code tokens} for {@code account} in a new store under {@code dir} and lists its INBOX. */
    public static List<MessageSummary> inbox(Account account, TokenSet tokens, Path dir) {
        TokenStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save(account.name(), tokens);
        MailSessions sessions = new MailSessions(new TokenManager(store, Clock.systemUTC()), Duration.ofSeconds(10));
        return new InboxReader(sessions).list(account, "INBOX", 5);
    }

    /** How many messages the sandbox's mail server has received with exactly this subject. */
    public static long received(Sandbox sandbox, String subject) {
        return sandbox.receivedMessages().stream().filter(m -> {
            try {
                return subject.equals(m.getSubject());
            } catch (MessagingException e) {
                return false;
            }
        }).count();
    }
}
