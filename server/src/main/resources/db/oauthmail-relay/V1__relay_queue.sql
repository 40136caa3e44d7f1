-- The relay queue shared by several daemons (io.oauthmail.server.relay.JdbcRelayQueue). Flyway applies this once
-- per database and records it in oauthmail_relay_schema_history, apart from the token store's tables.

-- One row per queued message. seq is the order of acceptance (per account order and "oldest first");
-- the content stays in the row (bytea, TOASTed out of line when large), so accept is one INSERT in one
-- transaction and delivered is one DELETE.
CREATE TABLE oauthmail_relay_queue (
    id           VARCHAR(64)   PRIMARY KEY,
    seq          BIGINT        GENERATED ALWAYS AS IDENTITY UNIQUE,
    account      VARCHAR(1000) NOT NULL,
    mail_from    VARCHAR(1000) NOT NULL,
    recipients   TEXT[]        NOT NULL,
    client       VARCHAR(1000) NOT NULL,
    received     TIMESTAMP WITH TIME ZONE NOT NULL,
    size         BIGINT        NOT NULL,
    attempts     INTEGER       NOT NULL DEFAULT 0,
    next_attempt TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error   TEXT,
    leased_by    VARCHAR(255),
    lease_until  TIMESTAMP WITH TIME ZONE,
    content      BYTEA         NOT NULL
);

-- claim: each account's oldest message (its head) is one probe of this index per account (a loose index scan).
CREATE INDEX oauthmail_relay_queue_account_seq ON oauthmail_relay_queue (account, seq);

-- Accounts whose queue is held (a lost grant), with why; a row here holds messages accepted later too.
CREATE TABLE oauthmail_relay_holds (
    account VARCHAR(1000) PRIMARY KEY,
    reason  TEXT          NOT NULL
);
