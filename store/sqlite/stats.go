package sqlite

import (
	"context"
	"fmt"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/store/internal/statrows"
)

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
