package io.oauthmail.server;

import io.oauthmail.account.Account;
import io.oauthmail.server.relay.RelayEvents;
import io.oauthmail.server.relay.RelayQueue.Entry;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The relay's outcomes as the daemon's hooks: a held queue is the lost-grant notice ({@code on_reauth_needed}, with
 * the login command in {@code OAUTHMAIL_FIX}); a bounce or a dropped bounce is a warning ({@code on_warning}) that
 * names the message's queue id and the failed recipients' count, never their content. Deliveries and deferrals are
 * only logged and counted (by the workers): a hook per message would be a process per message.
 */
final class RelayNotices implements RelayEvents {

    private final Events events;
    private final Function<String, Optional<Account>> accounts;

    RelayNotices(Events events, Function<String, Optional<Account>> accounts) {
        this.events = events;
        this.accounts = accounts;
    }

    @Override
    public void bounced(Entry entry, List<String> recipients, String reason) {
        accounts.apply(entry.envelope().account()).ifPresent(account -> events.warning(account, "relay: message "
                + entry.id() + " bounced for " + recipients.size() + " recipient(s): " + reason));
    }

    @Override
    public void dropped(Entry entry, String reason) {
        accounts.apply(entry.envelope().account()).ifPresent(account -> events.warning(account, "relay: bounce "
                + entry.id() + " could not be delivered and was dropped: " + reason));
    }

    @Override
    public void held(String name, String reason, String fixCommand) {
        accounts.apply(name).ifPresent(account -> events.reauthorizationNeeded(account,
                "the relay holds this account's outgoing mail until it logs in again: " + reason, fixCommand));
    }
}
