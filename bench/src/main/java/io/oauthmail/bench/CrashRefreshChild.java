package io.oauthmail.bench;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.JdbcTokenStore;
import io.oauthmail.store.TokenStore;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The process {@link CrashRefreshBench} kills: one {@code oauthmail refresh} through the real TokenManager and
 * store, printing {@code inhand NANOS} when the answer reaches the store, {@code journaled NANOS} once the raw
 * answer is durable in the store's journal, {@code saving NANOS}
 * when the parsed tokens reach the store and {@code durable NANOS} when their save returned, then lingering like a CLI that still has work to do, so that kills after the save land on a live
 * process.
 *
 * <p>Arguments: file|h2 STORE_PATH KEY_FILE TOKEN_ENDPOINT ACCOUNT LINGER_MILLIS
 */
public final class CrashRefreshChild {

    private CrashRefreshChild() {
    }

    public static void main(String[] args) throws Exception {
        Path storePath = Path.of(args[1]);
        TokenStore store = args[0].equals("file") ? EncryptedFileStore.openWithKeyFile(storePath)
                : JdbcTokenStore.openH2(storePath, Files.readAllBytes(Path.of(args[2])));
        Provider provider = new Provider("crash", new OAuthEndpoints(URI.create("http://127.0.0.1:1/authorize"),
                URI.create(args[3]), null, null, null), List.of("openid"), null, null, null, Set.of());
        Account account = new Account(args[4], args[4], provider, Sandbox.CLIENT_ID, null, List.of(), null);
        TokenManager tokens = new TokenManager(new Observed(store), Clock.systemUTC(), TokenManager.DEFAULT_MARGIN,
                Duration.ofSeconds(20), RetryPolicy.NONE, Sleeper.SYSTEM);
        tokens.refresh(account);
        Thread.sleep(Long.parseLong(args[5]));
    }

    /** The store as it is, telling stdout when a prepared save starts and when it has returned. */
    private record Observed(TokenStore delegate) implements TokenStore {
        @Override
        public Optional<TokenSet> load(String account) {
            return delegate.load(account);
        }

        @Override
        public void save(String account, TokenSet tokens) {
            delegate.save(account, tokens);
        }

        @Override
        public PreparedSave prepareSave(String account) {
            PreparedSave prepared = delegate.prepareSave(account);
            return new PreparedSave() {
                @Override
                public void save(TokenSet tokens) {
                    long saving = System.nanoTime();
                    prepared.save(tokens);
                    long durable = System.nanoTime();
                    System.out.println("saving " + saving + "\ndurable " + durable);
                    System.out.flush();
                }

                @Override
                public void journal(String answer, java.time.Instant receivedAt) {
                    long inHand = System.nanoTime();
                    prepared.journal(answer, receivedAt);
                    System.out.println("inhand " + inHand + "\njournaled " + System.nanoTime());
                    System.out.flush();
                }

                @Override
                public Optional<UnsavedAnswer> unsavedAnswer() {
                    return prepared.unsavedAnswer();
                }

                @Override
                public boolean earlierRefreshUnfinished() {
                    return prepared.earlierRefreshUnfinished();
                }

                @Override
                public void close() {
                    prepared.close();
                }
            };
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
