-- The sends each rolling quota counted (channel.QuotaStore): member is the
-- recipient (unique mode) or the recipient and a random suffix; at_us is
-- when it was counted (Unix µs).
CREATE TABLE IF NOT EXISTS switchboard_quota_sends (
	quota  text NOT NULL,
	member bytea NOT NULL,
	at_us  bigint NOT NULL,
	PRIMARY KEY (quota, member)
);
CREATE INDEX IF NOT EXISTS switchboard_quota_sends_at ON switchboard_quota_sends (quota, at_us);
