-- Customer-service windows: when each customer last wrote (Unix ns), kept
-- until expires_ms.
CREATE TABLE IF NOT EXISTS switchboard_windows (
	addr       TEXT PRIMARY KEY,
	last_ns    INTEGER NOT NULL,
	expires_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS switchboard_windows_expires ON switchboard_windows (expires_ms);

-- Per-recipient allowances: the GCRA theoretical arrival time (Unix ns).
-- A row whose tat is past is a full allowance and may be purged.
CREATE TABLE IF NOT EXISTS switchboard_recipient_limits (
	addr   TEXT PRIMARY KEY,
	tat_ns INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS switchboard_recipient_limits_tat ON switchboard_recipient_limits (tat_ns);
