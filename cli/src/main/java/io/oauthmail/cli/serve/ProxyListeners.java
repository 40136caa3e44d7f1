package io.oauthmail.cli.serve;

import io.oauthmail.OAuthMailException;
import io.oauthmail.account.Account;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.accounts.LocalPasswordsFile;
import io.oauthmail.server.proxy.ImapProxy;
import io.oauthmail.server.proxy.LocalPasswords;
import io.oauthmail.server.proxy.Pop3Proxy;
import io.oauthmail.server.proxy.SmtpProxy;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --listen PROTOCOL=HOST:PORT}: starts one proxy listener serving every account by its login name. */
final class ProxyListeners {

    private ProxyListeners() {
    }

    static AutoCloseable start(String spec, List<Account> accounts, CliContext context, TokenManager tokens) {
        int eq = spec.indexOf('=');
        int colon = spec.lastIndexOf(':');
        if (eq <= 0 || colon < eq) {
            throw new OAuthMailException("--listen takes PROTOCOL=HOST:PORT, e.g. smtp=127.0.0.1:1587, not '" + spec + "'", null);
        }
        String protocol = spec.substring(0, eq);
        if (!protocol.equals("smtp") && !protocol.equals("imap") && !protocol.equals("pop")) {
            throw new OAuthMailException("unknown proxy protocol '" + protocol + "'", "use smtp, imap or pop");
        }
        Map<String, Account> byName = new HashMap<>();
        accounts.forEach(account -> byName.put(account.name(), account));
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(spec.substring(eq + 1, colon)),
                    Integer.parseInt(spec.substring(colon + 1)));
            LocalPasswords passwords = new LocalPasswords(LocalPasswordsFile.of(context));
            return switch (protocol) {
                case "smtp" -> SmtpProxy.start(address, byName, passwords, tokens, 200);
                case "imap" -> ImapProxy.start(address, byName, passwords, tokens, 200);
                default -> Pop3Proxy.start(address, byName, passwords, tokens, 200);
            };
        } catch (NumberFormatException e) {
            throw new OAuthMailException("not a port in --listen " + spec, null);
        } catch (IOException e) {
            throw new OAuthMailException("cannot listen on " + spec.substring(eq + 1) + ": " + e.getMessage(),
                    "choose another port, or stop what uses it", e);
        }
    }
}
