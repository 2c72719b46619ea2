package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"math"
	"time"

	"github.com/switchboard-go/switchboard/tracking"
)

// WatchStore is a tracking.WatchStore in the switchboard_watches table, shared by every instance;
// Due reads a partial index of the watches still polled, ordered by their
// next poll, instead of scanning them all. Safe for concurrent use.
type WatchStore struct{ db *DB }

// Watches returns the WatchStore of d.
func (d *DB) Watches() *WatchStore { return &WatchStore{db: d} }

var _ tracking.WatchStore = (*WatchStore)(nil)

// Save implements tracking.WatchStore.
func (s *WatchStore) Save(ctx context.Context, w tracking.Watch) error {
	b, err := json.Marshal(w)
	if err != nil {
		return fmt.Errorf("postgres: watch: %w", err)
	}
	if _, err := s.db.pool.Exec(ctx, `INSERT INTO switchboard_watches (carrier, number, watch, next_poll_ns, done) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (carrier, number) DO UPDATE SET watch = excluded.watch, next_poll_ns = excluded.next_poll_ns, done = excluded.done`,
		string(w.Carrier), w.Number, b, w.NextPoll.UnixNano(), w.Done); err != nil {
		return fmt.Errorf("postgres: watch save: %w", err)
	}
	return nil
}

// Load implements tracking.WatchStore.
func (s *WatchStore) Load(ctx context.Context, carrier tracking.Carrier, number string) (tracking.Watch, bool, error) {
	var v string
	err := s.db.pool.QueryRow(ctx, `SELECT watch FROM switchboard_watches WHERE carrier = $1 AND number = $2`, string(carrier), number).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return tracking.Watch{}, false, nil
	}
	if err != nil {
		return tracking.Watch{}, false, fmt.Errorf("postgres: watch: %w", err)
	}
	var w tracking.Watch
	if err := json.Unmarshal([]byte(v), &w); err != nil {
		return tracking.Watch{}, false, fmt.Errorf("postgres: watch: %w", err)
	}
	return w, true, nil
}

// Delete implements tracking.WatchStore.
func (s *WatchStore) Delete(ctx context.Context, carrier tracking.Carrier, number string) error {
	if _, err := s.db.pool.Exec(ctx, `DELETE FROM switchboard_watches WHERE carrier = $1 AND number = $2`, string(carrier), number); err != nil {
		return fmt.Errorf("postgres: watch delete: %w", err)
	}
	return nil
}

// Due implements tracking.WatchStore through the partial index.
func (s *WatchStore) Due(ctx context.Context, now time.Time, max int) ([]tracking.Watch, error) {
	limit := int64(max)
	if max <= 0 {
		limit = math.MaxInt64 // no limit
	}
	rows, err := s.db.pool.Query(ctx, `SELECT watch FROM switchboard_watches WHERE NOT done AND next_poll_ns <= $1
		ORDER BY next_poll_ns, carrier, number LIMIT $2`, now.UnixNano(), limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: watches due: %w", err)
	}
	defer rows.Close()
	var out []tracking.Watch
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("postgres: watches due: %w", err)
		}
		var w tracking.Watch
		if err := json.Unmarshal([]byte(v), &w); err != nil {
			return nil, fmt.Errorf("postgres: watches due: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: watches due: %w", err)
	}
	return out, nil
}
