package io.oauthmail.mail;

import io.oauthmail.account.Account;
import io.oauthmail.error.MailFailure;
import io.oauthmail.provider.MailServer;
import jakarta.mail.MessagingException;
import java.util.List;
import java.util.Locale;

/**
 * The server offers none of the SASL mechanisms the account may use, so nothing was sent: no token, and no
 * fallback to another mechanism (a forced mechanism is the user's explicit choice) or to a password command.
 * Thrown by the guarded store and transport before authentication, and turned by {@link MailSessions} into a
 * failure that names the account, the server, what it offers and how to fix it. Not a refusal of the token, so
 * no refresh is spent on it.
 */
final class MechanismNotOffered extends MessagingException {

    private static final long serialVersionUID = 1L;

    private final List<String> wanted;
    private final List<String> offered;

    MechanismNotOffered(String protocol, List<String> wanted, List<String> offered) {
        super("the " + protocol + " server offers none of " + String.join(" ", wanted) + " (it offers "
                + (offered.isEmpty() ? "no SASL mechanism" : String.join(" ", offered)) + ")");
        this.wanted = List.copyOf(wanted);
        this.offered = List.copyOf(offered);
    }

    /** The mechanisms of an IMAP CAPABILITY, SMTP {@code AUTH} or POP3 {@code SASL} list, upper-cased. */
    static List<String> parse(String mechanisms) {
        return mechanisms == null || mechanisms.isBlank() ? List.of()
                : List.of(mechanisms.trim().toUpperCase(Locale.ROOT).split("\\s+"));
    }

    /** Throws unless {@code offered} holds one of {@code wanted}. */
    static void require(String protocol, List<String> wanted, List<String> offered) throws MechanismNotOffered {
        if (wanted.stream().noneMatch(offered::contains)) {
            throw new MechanismNotOffered(protocol, wanted, offered);
        }
    }

    /** The user-facing failure: which account, which server, what it offers, what to do. */
    MailFailure toFailure(Account account, MailProtocol protocol, MailServer server) {
        String message = "account " + account.name() + ": the " + protocol + " server " + server.host() + ":" + server.port()
                + " offers none of " + String.join(" ", wanted)
                + (account.sasl() != null ? " (forced by the account's sasl setting)" : "") + "; it offers "
                + (offered.isEmpty() ? "no SASL mechanism" : String.join(" ", offered)) + "; no token was sent";
        List<String> usable = offered.stream().filter(m -> m.equals("XOAUTH2") || m.equals("OAUTHBEARER")).toList();
        String hint = usable.isEmpty()
                ? "oauthmail logs in only with XOAUTH2 or OAUTHBEARER: check the server address (oauthmail accounts show "
                        + account.name() + ")"
                : "run oauthmail accounts add " + account.name() + " again with --sasl " + usable.get(0).toLowerCase(Locale.ROOT)
                        + ", or without --sasl to let oauthmail use what the server offers";
        return new MailFailure(message, hint, this);
    }
}
