-- Desk (package desk): conversations, agents with their load, fired SLA
-- marks, the audit. data holds the conversation without its transcript
-- (JSON); the columns beside it are authoritative for status, agent and
-- version and serve the queue order.
CREATE TABLE IF NOT EXISTS desk_conversations (
	id         TEXT PRIMARY KEY,
	channel    TEXT NOT NULL,
	customer   TEXT NOT NULL,
	status     TEXT NOT NULL,
	agent      TEXT NOT NULL DEFAULT '',
	priority   INTEGER NOT NULL,
	queued_ns  INTEGER NOT NULL,
	version    INTEGER NOT NULL,
	data       BLOB NOT NULL,
	transcript BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS desk_conversations_open ON desk_conversations (channel, customer)
	WHERE status IN ('queued', 'assigned');
CREATE INDEX IF NOT EXISTS desk_conversations_queue ON desk_conversations (status, priority DESC, queued_ns, id);
CREATE INDEX IF NOT EXISTS desk_conversations_agent ON desk_conversations (agent, status);
CREATE INDEX IF NOT EXISTS desk_conversations_customer ON desk_conversations (channel, customer);

CREATE TABLE IF NOT EXISTS desk_agents (
	id     TEXT PRIMARY KEY,
	online INTEGER NOT NULL,
	load   INTEGER NOT NULL DEFAULT 0,
	data   BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS desk_fired (
	conversation TEXT NOT NULL,
	key          TEXT NOT NULL,
	at_ns        INTEGER NOT NULL,
	PRIMARY KEY (conversation, key)
);

CREATE TABLE IF NOT EXISTS desk_audit (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	conversation TEXT NOT NULL,
	data         BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS desk_audit_conversation ON desk_audit (conversation, seq);
