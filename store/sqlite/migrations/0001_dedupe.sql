-- Webhook dedupe claims: in flight until until_ms (a lease), or done until
-- until_ms (the TTL). Times are Unix milliseconds.
CREATE TABLE IF NOT EXISTS switchboard_dedupe (
	key      TEXT PRIMARY KEY,
	until_ms INTEGER NOT NULL,
	done     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS switchboard_dedupe_until ON switchboard_dedupe (until_ms);
