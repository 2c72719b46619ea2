-- The frequency cap of proactive notices (notify.CapStore): the time of the
-- last capped notice to each customer (Unix µs).
CREATE TABLE IF NOT EXISTS switchboard_notice_caps (
	customer text PRIMARY KEY,
	last_us  bigint NOT NULL
);
