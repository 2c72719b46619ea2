-- tracking.Watch per (carrier, number) as JSON, with the columns the "due"
-- query needs; the partial index holds only the watches still polled.
CREATE TABLE IF NOT EXISTS switchboard_watches (
	carrier      TEXT NOT NULL,
	number       TEXT NOT NULL,
	watch        TEXT NOT NULL,
	next_poll_ns INTEGER NOT NULL,
	done         INTEGER NOT NULL,
	PRIMARY KEY (carrier, number)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS switchboard_watches_due ON switchboard_watches (next_poll_ns, carrier, number) WHERE done = 0;
