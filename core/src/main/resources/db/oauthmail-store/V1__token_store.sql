-- The tables of io.oauthmail.store.JdbcTokenStore, in SQL that H2 2.x and PostgreSQL both accept (H2 knows BYTEA
-- as a synonym of VARBINARY). Flyway records them in oauthmail_store_schema_history. Before Flyway, the store made
-- these tables itself: IF NOT EXISTS keeps such a database (Flyway baselines it at version 0) as it is.

CREATE TABLE IF NOT EXISTS oauthmail_tokens (
    account    VARCHAR(1000) PRIMARY KEY,
    sealed     BYTEA NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row per account ever locked, never deleted: deleting a row that another session holds FOR UPDATE would
-- make that session wait, and the rows are tiny.
CREATE TABLE IF NOT EXISTS oauthmail_locks (
    account VARCHAR(1000) PRIMARY KEY
);
