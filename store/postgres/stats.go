package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/store/internal/statrows"
)

// StatsStore is an autoreply.StatsStore in the switchboard_rule_stats
// table, summed over every instance. Safe for concurrent use.
type StatsStore struct{ db *DB }

// RuleStats returns the StatsStore of d.
func (d *DB) RuleStats() *StatsStore { return &StatsStore{db: d} }

var _ autoreply.StatsStore = (*StatsStore)(nil)

// AddStats implements autoreply.StatsStore: one batch of upserts in one
// transaction (one round trip for the batch).
func (s *StatsStore) AddStats(ctx context.Context, d autoreply.StatsSnapshot) error {
	rows := statrows.Rows(d)
	if len(rows) == 0 {
		return nil
	}
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, r := range rows {
			b.Queue(`INSERT INTO switchboard_rule_stats AS s (kind, name, n) VALUES ($1, $2, $3)
				ON CONFLICT (kind, name) DO UPDATE SET n = s.n + excluded.n`, r.Kind, []byte(r.Name), r.N)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("postgres: add stats: %w", err)
	}
	return nil
}

// LoadStats implements autoreply.StatsStore.
func (s *StatsStore) LoadStats(ctx context.Context) (autoreply.StatsSnapshot, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT kind, name, n FROM switchboard_rule_stats`)
	if err != nil {
		return autoreply.StatsSnapshot{}, fmt.Errorf("postgres: stats: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (statrows.Row, error) {
		var row statrows.Row
		var name []byte
		err := r.Scan(&row.Kind, &name, &row.N)
		row.Name = string(name)
		return row, err
	})
	if err != nil {
		return autoreply.StatsSnapshot{}, fmt.Errorf("postgres: stats: %w", err)
	}
	return statrows.Snapshot(out), nil
}
