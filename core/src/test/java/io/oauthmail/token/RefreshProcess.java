package io.oauthmail.token;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.TokenStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A separate process for {@link CrossProcessTest}: asks for the access token of one account in a shared
 * store, printing it. In {@code crash} mode it dies like {@code kill -9} at the worst moment: after the
 * provider answered the refresh, before the answer is saved.
 *
 * <p>Arguments: STORE_DIR TOKEN_ENDPOINT ACCOUNT MODE(normal|crash) START_AT_EPOCH_MILLIS
 */
public final class RefreshProcess {

    public static void main(String[] args) throws Exception {
        Path storeDir = Path.of(args[0]);
        URI tokenEndpoint = URI.create(args[1]);
        String name = args[2];
        boolean crash = args[3].equals("crash");
        long startAt = Long.parseLong(args[4]);
        Provider provider = new Provider("test", new OAuthEndpoints(URI.create("http://127.0.0.1:1/authorize"), tokenEndpoint,
                null, null, null), List.of("openid"), null, null, null, Set.of());
        Account account = new Account(name, name, provider, "oauthmail-sandbox", null, null, null);
        TokenStore store = EncryptedFileStore.openWithKeyFile(storeDir);
        if (crash) {
            store = new DieBeforeSave(store);
        }
        TokenManager tokens = new TokenManager(store, Clock.systemUTC(), TokenManager.DEFAULT_MARGIN,
                Duration.ofSeconds(10), RetryPolicy.NONE, Sleeper.SYSTEM);
        // the processes start their refreshes at one instant of the wall clock: the only barrier across JVMs
        Thread.sleep(Math.max(0, startAt - System.currentTimeMillis()));
        System.out.println(tokens.accessToken(account));
    }

    /** Halts the JVM (no shutdown hooks, no flushing: as kill -9) when asked to save. */
    private record DieBeforeSave(TokenStore delegate) implements TokenStore {
        @Override
        public Optional<io.oauthmail.account.TokenSet> load(String account) {
            return delegate.load(account);
        }

        @Override
        public void save(String account, io.oauthmail.account.TokenSet tokens) {
            Runtime.getRuntime().halt(137);
        }

        @Override
        public void delete(String account) {
            delegate.delete(account);
        }

        @Override
        public AccountLock lock(String account) {
            return delegate.lock(account);
        }
    }
}
