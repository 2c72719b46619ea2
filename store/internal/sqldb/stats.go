package sqldb

import (
	"context"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/store/internal/statrows"
)

// RuleStats holds what the autoreply.StatsStore of both backends share over
// the switchboard_rule_stats table: the backend adds AddStats, which
// PostgreSQL sends as one batch.
type RuleStats struct{ db DB }

// NewRuleStats returns the RuleStats of db.
func NewRuleStats(db DB) RuleStats { return RuleStats{db} }

// LoadStats implements autoreply.StatsStore.
func (s *RuleStats) LoadStats(ctx context.Context) (autoreply.StatsSnapshot, error) {
	rows, err := s.db.Conn.Query(ctx, `SELECT kind, name, n FROM switchboard_rule_stats`)
	if err != nil {
		return autoreply.StatsSnapshot{}, s.db.wrap("stats", err)
	}
	out, err := scanAll(rows, func(r Rows) (statrows.Row, error) {
		var row statrows.Row
		var name []byte // bytea on PostgreSQL
		err := r.Scan(&row.Kind, &name, &row.N)
		row.Name = string(name)
		return row, err
	})
	if err != nil {
		return autoreply.StatsSnapshot{}, s.db.wrap("stats", err)
	}
	return statrows.Snapshot(out), nil
}
