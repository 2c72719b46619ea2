-- Webhook dedupe claims: in flight until "until" (a lease), or done until
-- "until" (the TTL).
CREATE TABLE IF NOT EXISTS switchboard_dedupe (
	key   bytea PRIMARY KEY,
	until timestamptz NOT NULL,
	done  boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS switchboard_dedupe_until ON switchboard_dedupe (until);
