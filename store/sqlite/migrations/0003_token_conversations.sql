-- WeChat access tokens, one row per AppID: the token, when WeChat stops
-- accepting it, and until when one instance holds the right to fetch a new
-- one (all Unix ms; lease_until_ms 0 = free).
CREATE TABLE IF NOT EXISTS switchboard_wechat_tokens (
	app_id         TEXT PRIMARY KEY,
	value          TEXT NOT NULL DEFAULT '',
	expires_ms     INTEGER NOT NULL DEFAULT 0,
	lease_until_ms INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- autoreply conversation state per customer (JSON of autoreply.Conversation),
-- forgotten after expires_ms.
CREATE TABLE IF NOT EXISTS switchboard_conversations (
	addr       TEXT PRIMARY KEY,
	state      TEXT NOT NULL,
	expires_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS switchboard_conversations_expires ON switchboard_conversations (expires_ms);
