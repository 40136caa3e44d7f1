package io.oauthmail.mail;

import io.oauthmail.account.Account;
import io.oauthmail.error.MailFailure;
import io.oauthmail.provider.MailServer;
import io.oauthmail.sasl.SaslFailure;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;

/** What a failed connection or login says: the account, the server, what failed, and the fix. */
final class LoginFailures {

    private LoginFailures() {
    }

    static MailFailure refused(Account account, MailProtocol protocol, MailServer server,
            AuthenticationFailedException e, SaslFailure challenge) {
        String reply = e.getMessage() == null ? "" : e.getMessage().trim();
        String why = challenge != null ? challenge.diagnosis() + " (challenge " + challenge + ")"
                : SaslFailure.decode(reply).map(SaslFailure::diagnosis)
                        .orElse("the server answered: " + ServerReplies.hint(reply));
        return new MailFailure("account " + account.name() + ": " + protocol + " server " + server.host() + ":"
                + server.port() + " refused the token even after a refresh: " + why,
                "if this persists, run: " + account.loginCommand(), null);
    }

    /** The server refused a user name that is not an address: say so, instead of blaming (and refreshing) the token. */
    static MailFailure notAnAddress(Account account, MailProtocol protocol, MailServer server) {
        return new MailFailure("account " + account.name() + ": the " + protocol + " server " + server.host() + ":"
                + server.port() + " refused the login as \"" + account.mailUser() + "\", which is not an e-mail address:"
                + " the account has no address (it is learned at login, or given with --email); the token was not"
                + " refreshed", account.addressFix(), null);
    }

    static MailFailure failed(Account account, MailProtocol protocol, MailServer server, MessagingException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MechanismNotOffered notOffered) {
                return notOffered.toFailure(account, protocol, server);
            }
        }
        String message = "account " + account.name() + ": cannot connect to the " + protocol + " server "
                + server.host() + ":" + server.port() + ": " + MailErrors.describe(e);
        MailFailure failure = new MailFailure(message, MailErrors.hint(e), e);
        if (!failure.networkTrouble()) {
            return failure;
        }
        // Nothing answered: either the address in the config is wrong or the network is; say how to tell which.
        return new MailFailure(message, "check the address (oauthmail accounts show " + account.name()
                + ") and that " + server.host() + ":" + server.port() + " is reachable from here (e.g. nc -vz "
                + server.host() + " " + server.port() + "), then try again", e);
    }
}
