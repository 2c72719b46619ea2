-- autoreply rule statistics, summed over instances: one counter per kind
-- and name (a rule, a miss text, or '' for the engine-wide counters).
CREATE TABLE IF NOT EXISTS switchboard_rule_stats (
	kind text NOT NULL,
	name bytea NOT NULL,
	n    bigint NOT NULL,
	PRIMARY KEY (kind, name)
);
