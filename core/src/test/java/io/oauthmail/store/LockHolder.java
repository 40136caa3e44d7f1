package io.oauthmail.store;

import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * Run in a child JVM by {@link JdbcTokenStoreContract}: takes the lock on an account, says so, and holds it
 * until the test kills this process. Arguments: the account, then {@code h2 PATH} or {@code pg URL SCHEMA}.
 */
public final class LockHolder {

    static final String LOCKED = "locked";

    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        DataSource database = switch (args[1]) {
            case "h2" -> EmbeddedH2.dataSource(Path.of(args[2]), JdbcTokenStoreContract.KEY);
            case "pg" -> PostgresJdbcTokenStoreTest.dataSource(args[2], args[3]);
            default -> throw new IllegalArgumentException("h2 or pg, not " + args[1]);
        };
        new JdbcTokenStore(database, JdbcTokenStoreContract.KEY).lock(args[0]);
        System.out.println(LOCKED);
        System.out.flush();
        Thread.sleep(120_000); // killed long before: a safety net so a lost child does not linger
    }
}
