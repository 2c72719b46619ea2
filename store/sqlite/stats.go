package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/store/internal/statrows"
)

// StatsStore is an autoreply.StatsStore in the switchboard_rule_stats
// table. Safe for concurrent use.
type StatsStore struct{ db *DB }

// RuleStats returns the StatsStore of d.
func (d *DB) RuleStats() *StatsStore { return &StatsStore{db: d} }

var _ autoreply.StatsStore = (*StatsStore)(nil)

// AddStats implements autoreply.StatsStore in one transaction.
func (s *StatsStore) AddStats(ctx context.Context, d autoreply.StatsSnapshot) error {
	tx, err := s.db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: add stats: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	for _, r := range statrows.Rows(d) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO switchboard_rule_stats (kind, name, n) VALUES (?, ?, ?)
			ON CONFLICT (kind, name) DO UPDATE SET n = n + excluded.n`, r.Kind, r.Name, r.N); err != nil {
			return fmt.Errorf("sqlite: add stats: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: add stats: %w", err)
	}
	return nil
}

// LoadStats implements autoreply.StatsStore.
func (s *StatsStore) LoadStats(ctx context.Context) (autoreply.StatsSnapshot, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT kind, name, n FROM switchboard_rule_stats`)
	if err != nil {
		return autoreply.StatsSnapshot{}, fmt.Errorf("sqlite: stats: %w", err)
	}
	return scanStats(rows)
}

func scanStats(rows *sql.Rows) (autoreply.StatsSnapshot, error) {
	defer rows.Close()
	var out []statrows.Row
	for rows.Next() {
		var r statrows.Row
		if err := rows.Scan(&r.Kind, &r.Name, &r.N); err != nil {
			return autoreply.StatsSnapshot{}, fmt.Errorf("sqlite: stats: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return autoreply.StatsSnapshot{}, fmt.Errorf("sqlite: stats: %w", err)
	}
	return statrows.Snapshot(out), nil
}
