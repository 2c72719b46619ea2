package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-go/switchboard/channel"
)

// WindowStore is a channel.WindowStore in the switchboard_windows table,
// shared by every instance. Safe for concurrent use.
type WindowStore struct{ db *DB }

// Windows returns the WindowStore of d.
func (d *DB) Windows() *WindowStore { return &WindowStore{db: d} }

var _ channel.WindowStore = (*WindowStore)(nil)

// Touch implements channel.WindowStore: an upsert keeping the later time.
func (s *WindowStore) Touch(ctx context.Context, a channel.Address, at time.Time, ttl time.Duration) error {
	_, err := s.db.pool.Exec(ctx, `INSERT INTO switchboard_windows AS w (addr, last_ns, expires_ms) VALUES ($1, $2, $3)
		ON CONFLICT (addr) DO UPDATE SET last_ns = excluded.last_ns, expires_ms = excluded.expires_ms
		WHERE excluded.last_ns > w.last_ns`, []byte(a.String()), at.UnixNano(), at.Add(ttl).UnixMilli())
	if err != nil {
		return fmt.Errorf("postgres: window touch: %w", err)
	}
	return nil
}

// LastSeen implements channel.WindowStore.
func (s *WindowStore) LastSeen(ctx context.Context, a channel.Address) (time.Time, bool, error) {
	var ns int64
	err := s.db.pool.QueryRow(ctx, `SELECT last_ns FROM switchboard_windows WHERE addr = $1`, []byte(a.String())).Scan(&ns)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("postgres: window: %w", err)
	}
	return time.Unix(0, ns).UTC(), true, nil
}

// RecipientLimitStore is a channel.RecipientLimitStore in the
// switchboard_recipient_limits table, shared by every instance. Safe for
// concurrent use.
type RecipientLimitStore struct{ db *DB }

// RecipientLimits returns the RecipientLimitStore of d.
func (d *DB) RecipientLimits() *RecipientLimitStore { return &RecipientLimitStore{db: d} }

var _ channel.RecipientLimitStore = (*RecipientLimitStore)(nil)

// Take implements channel.RecipientLimitStore with one conditional upsert
// (the row lock serializes instances); a refusal reads the stored time to
// say how long to wait.
func (s *RecipientLimitStore) Take(ctx context.Context, a channel.Address, now time.Time, every time.Duration, burst int) (time.Duration, error) {
	n, e, tau := now.UnixNano(), int64(every), int64(every)*int64(max(burst, 1)-1)
	var tat int64
	err := s.db.pool.QueryRow(ctx, `INSERT INTO switchboard_recipient_limits AS r (addr, tat_ns) VALUES ($1, $2::bigint + $3::bigint)
		ON CONFLICT (addr) DO UPDATE SET tat_ns = GREATEST(r.tat_ns, $2::bigint) + $3::bigint
		WHERE GREATEST(r.tat_ns, $2::bigint) - $2::bigint <= $4::bigint RETURNING tat_ns`, []byte(a.String()), n, e, tau).Scan(&tat)
	if err == nil {
		return 0, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("postgres: recipient limit: %w", err)
	}
	if err := s.db.pool.QueryRow(ctx, `SELECT tat_ns FROM switchboard_recipient_limits WHERE addr = $1`, []byte(a.String())).Scan(&tat); err != nil {
		return 0, fmt.Errorf("postgres: recipient limit: %w", err)
	}
	return time.Duration(max(tat-n-tau, 1)), nil
}
