package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/store/internal/statrows"
)

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
