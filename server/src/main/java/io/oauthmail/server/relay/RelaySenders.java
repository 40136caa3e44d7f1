package io.oauthmail.server.relay;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.oauthmail.account.Account;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who may send through one relay listener, and as which account: a client that logged in sends as its account;
 * one that did not must come from an {@code allow_unauthenticated} network (Netty's subnet rule, not hand-written
 * masks) and sends only as the listener's {@code account}. Nothing else is accepted: never an open relay.
 */
final class RelaySenders {

    private final Map<String, Account> accounts;
    private final Optional<Account> fallback;
    private final List<IpSubnetFilterRule> unauthenticated;

    RelaySenders(Map<String, Account> accounts, Optional<String> fallback, List<String> allowUnauthenticated) {
        this.accounts = Map.copyOf(accounts);
        this.fallback = fallback.map(this.accounts::get);
        this.unauthenticated = allowUnauthenticated.stream().map(RelaySenders::rule).toList();
    }

    /** The config's reader checked the syntax; a name that is not a literal address is refused there. */
    private static IpSubnetFilterRule rule(String network) {
        int slash = network.indexOf('/');
        String address = slash < 0 ? network : network.substring(0, slash);
        try {
            int bits = slash >= 0 ? Integer.parseInt(network.substring(slash + 1))
                    : InetAddress.getByName(address) instanceof Inet4Address ? 32 : 128;
            return new IpSubnetFilterRule(address, bits, IpFilterRuleType.ACCEPT);
        } catch (UnknownHostException | RuntimeException e) {
            throw new IllegalArgumentException("not an IP address or ADDRESS/BITS network: " + network, e);
        }
    }

    boolean mayStayAnonymous(InetSocketAddress client) {
        return unauthenticated.stream().anyMatch(rule -> rule.matches(client));
    }

    /**
     * The account that sends a message whose envelope sender is {@code mailFrom}: the login's, else (for a client
     * that may send unauthenticated) the listener's account, provided the sender is not another account's address.
     */
    Account choose(Optional<String> login, String mailFrom, InetSocketAddress client) throws RefusedSender {
        if (login.isPresent()) {
            return accounts.get(login.get());
        }
        if (!mayStayAnonymous(client)) {
            throw new RefusedSender(530, "5.7.0 Authentication required: log in (AUTH) with the account's local password");
        }
        Account account = fallback.orElseThrow(() -> new RefusedSender(550,
                "5.7.1 this relay has no account for clients that do not log in; log in, or set account = \"NAME\" on the listener"));
        Optional<Account> named = accounts.values().stream()
                .filter(other -> other.email() != null && other.email().equalsIgnoreCase(mailFrom)).findFirst();
        if (named.isPresent() && !named.get().name().equals(account.name())) {
            throw new RefusedSender(550, "5.7.1 clients that do not log in may send only as " + account.name()
                    + "; log in as " + named.get().name() + " to send as it");
        }
        return account;
    }

    /** A sender refused, with its SMTP code and text. */
    static final class RefusedSender extends Exception {
        private final int code;

        RefusedSender(int code, String text) {
            super(text, null, false, false);
            this.code = code;
        }

        int code() {
            return code;
        }
    }
}
