-- The insights event log (package insights): append-only, read by time.
-- seq keeps the append order of events with equal times; at_ns is Unix
-- nanoseconds; empty fields are ''.
CREATE TABLE IF NOT EXISTS switchboard_insights_events (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	at_ns        INTEGER NOT NULL,
	kind         TEXT NOT NULL,
	conversation TEXT NOT NULL DEFAULT '',
	channel      TEXT NOT NULL DEFAULT '',
	customer     TEXT NOT NULL DEFAULT '',
	language     TEXT NOT NULL DEFAULT '',
	team         TEXT NOT NULL DEFAULT '',
	agent        TEXT NOT NULL DEFAULT '',
	rule         TEXT NOT NULL DEFAULT '',
	text         TEXT NOT NULL DEFAULT '',
	score        INTEGER NOT NULL DEFAULT 0,
	file_kind    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS switchboard_insights_events_at ON switchboard_insights_events (at_ns, seq);
