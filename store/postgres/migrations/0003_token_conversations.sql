-- WeChat access tokens, one row per AppID: the token, when WeChat stops
-- accepting it, and until when one instance holds the right to fetch a new
-- one (all Unix ms; lease_until_ms 0 = free).
CREATE TABLE IF NOT EXISTS switchboard_wechat_tokens (
	app_id         text PRIMARY KEY,
	value          text NOT NULL DEFAULT '',
	expires_ms     bigint NOT NULL DEFAULT 0,
	lease_until_ms bigint NOT NULL DEFAULT 0
);

-- autoreply conversation state per customer (JSON of autoreply.Conversation),
-- forgotten after expires_ms.
CREATE TABLE IF NOT EXISTS switchboard_conversations (
	addr       bytea PRIMARY KEY,
	state      text NOT NULL,
	expires_ms bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS switchboard_conversations_expires ON switchboard_conversations (expires_ms);
