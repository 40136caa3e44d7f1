-- refresh_pending: set while a refresh of the account is under way, cleared by any save (JdbcPreparedSave).
-- refresh_answer: the provider's answer, sealed, committed the moment it arrives and cleared by the save
-- of its tokens (AnswerJournal); recovered by the next refresh if the process died in between.
-- IF NOT EXISTS: the last versions before Flyway made these columns already (the database says "skipping" once).
-- On H2 an ALTER that adds a column copies the table; Flyway's lock keeps other stores out meanwhile.
ALTER TABLE oauthmail_tokens ADD COLUMN IF NOT EXISTS refresh_pending TIMESTAMP WITH TIME ZONE;
ALTER TABLE oauthmail_tokens ADD COLUMN IF NOT EXISTS refresh_answer BYTEA;
