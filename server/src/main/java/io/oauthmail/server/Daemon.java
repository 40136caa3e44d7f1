package io.oauthmail.server;

import io.oauthmail.account.Account;
import io.oauthmail.token.TokenManager;
import io.oauthmail.token.TokenSet;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code oauthmail serve}: the refresher keeping every account fresh, the notifier running the user's hooks,
 * and the control socket answering {@code oauthmail status} and {@code oauthmail token}. The proxies are
 * started beside it by the command.
 */
public final class Daemon implements AutoCloseable {

    private final Refresher refresher;
    private final ControlServer control;

    private Daemon(Refresher refresher, ControlServer control) {
        this.refresher = refresher;
        this.control = control;
    }

    public static Daemon start(List<Account> accounts, TokenManager tokens, Map<String, String> hooks, Path socket)
            throws IOException {
        Refresher refresher = new Refresher(tokens, Clock.systemUTC(), new Notifier(hooks));
        refresher.start(accounts);
        try {
            Map<String, Account> byName = new HashMap<>();
            accounts.forEach(account -> byName.put(account.name(), account));
            return new Daemon(refresher, ControlServer.start(socket, new ControlServer.Answers() {
                @Override
                public String status() {
                    return statusJson(refresher);
                }

                @Override
                public Optional<TokenSet> token(String account) {
                    Account known = byName.get(account);
                    return known == null ? Optional.empty() : Optional.of(tokens.validTokens(known));
                }
            }));
        } catch (IOException | RuntimeException e) {
            refresher.close();
            throw e;
        }
    }

    /** Where the control socket lives: in the state folder, so several installations never share one. */
    public static Path socketIn(Path stateDir) {
        return stateDir.resolve("run").resolve("serve.sock");
    }

    public Path socket() {
        return control.socket();
    }

    /** One JSON object per account; no tokens. */
    static String statusJson(Refresher refresher) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        return refresher.states().stream().map(state -> {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("account", state.account());
            fields.put("status", state.status());
            fields.put("expires_at", state.expiresAt() == null ? null : state.expiresAt().toString());
            fields.put("next_refresh", state.nextRefresh() == null ? null : state.nextRefresh().toString());
            fields.put("message", state.message());
            try {
                return json.writeValueAsString(fields);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        control.close();
        refresher.close();
    }
}
