-- Replies not known to be delivered (channel.Outbox): the message as JSON,
-- its state (1 undelivered, 2 unknown), the error text, when it failed.
CREATE TABLE IF NOT EXISTS switchboard_outbox (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	message TEXT NOT NULL,
	state   INTEGER NOT NULL,
	err     TEXT NOT NULL,
	at_ns   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS switchboard_outbox_at ON switchboard_outbox (at_ns, id);
