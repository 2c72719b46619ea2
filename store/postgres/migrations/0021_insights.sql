-- The insights event log (package insights): append-only, read by time.
-- seq keeps the append order of events with equal times; at_ns is Unix
-- nanoseconds (timestamptz keeps only microseconds); empty fields are ''.
CREATE TABLE IF NOT EXISTS switchboard_insights_events (
	seq          bigserial PRIMARY KEY,
	at_ns        bigint NOT NULL,
	kind         text NOT NULL,
	conversation text NOT NULL DEFAULT '',
	channel      text NOT NULL DEFAULT '',
	customer     text NOT NULL DEFAULT '',
	language     text NOT NULL DEFAULT '',
	team         text NOT NULL DEFAULT '',
	agent        text NOT NULL DEFAULT '',
	rule         text NOT NULL DEFAULT '',
	text         text NOT NULL DEFAULT '',
	score        smallint NOT NULL DEFAULT 0,
	file_kind    text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS switchboard_insights_events_at ON switchboard_insights_events (at_ns, seq);
