-- Desk (package desk): conversations, agents with their load, fired SLA
-- marks, the audit. data holds the conversation without its transcript
-- (JSON); the columns beside it are authoritative for status, agent and
-- version and serve the queue order.
CREATE TABLE IF NOT EXISTS desk_conversations (
	id         text PRIMARY KEY,
	seq        bigserial NOT NULL,
	channel    text NOT NULL,
	customer   text NOT NULL,
	status     text NOT NULL,
	agent      text NOT NULL DEFAULT '',
	priority   integer NOT NULL,
	queued_ns  bigint NOT NULL,
	version    bigint NOT NULL,
	data       jsonb NOT NULL,
	transcript jsonb NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS desk_conversations_open ON desk_conversations (channel, customer)
	WHERE status IN ('queued', 'assigned');
CREATE INDEX IF NOT EXISTS desk_conversations_queue ON desk_conversations (status, priority DESC, queued_ns, id);
CREATE INDEX IF NOT EXISTS desk_conversations_agent ON desk_conversations (agent, status);
CREATE INDEX IF NOT EXISTS desk_conversations_customer ON desk_conversations (channel, customer, seq);

CREATE TABLE IF NOT EXISTS desk_agents (
	id     text PRIMARY KEY,
	online boolean NOT NULL,
	load   integer NOT NULL DEFAULT 0 CHECK (load >= 0),
	data   jsonb NOT NULL
);

CREATE TABLE IF NOT EXISTS desk_fired (
	conversation text NOT NULL,
	key          text NOT NULL,
	at           timestamptz NOT NULL,
	PRIMARY KEY (conversation, key)
);

CREATE TABLE IF NOT EXISTS desk_audit (
	seq          bigserial PRIMARY KEY,
	conversation text NOT NULL,
	data         jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS desk_audit_conversation ON desk_audit (conversation, seq);
