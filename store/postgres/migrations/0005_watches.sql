-- tracking.Watch per (carrier, number) as JSON, with the columns the "due"
-- query needs; the partial index holds only the watches still polled.
CREATE TABLE IF NOT EXISTS switchboard_watches (
	carrier      text NOT NULL,
	number       text NOT NULL,
	watch        jsonb NOT NULL,
	next_poll_ns bigint NOT NULL,
	done         boolean NOT NULL,
	PRIMARY KEY (carrier, number)
);
CREATE INDEX IF NOT EXISTS switchboard_watches_due ON switchboard_watches (next_poll_ns, carrier, number) WHERE NOT done;
