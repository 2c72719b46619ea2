package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// WindowStore is a channel.WindowStore in the switchboard_windows table.
// Safe for concurrent use.
type WindowStore struct{ db *DB }

// Windows returns the WindowStore of d.
func (d *DB) Windows() *WindowStore { return &WindowStore{db: d} }

var _ channel.WindowStore = (*WindowStore)(nil)

// Touch implements channel.WindowStore: an upsert keeping the later time.
func (s *WindowStore) Touch(ctx context.Context, a channel.Address, at time.Time, ttl time.Duration) error {
	_, err := s.db.db.ExecContext(ctx, `INSERT INTO switchboard_windows (addr, last_ns, expires_ms) VALUES (?, ?, ?)
		ON CONFLICT (addr) DO UPDATE SET last_ns = excluded.last_ns, expires_ms = excluded.expires_ms
		WHERE excluded.last_ns > switchboard_windows.last_ns`, a.String(), at.UnixNano(), at.Add(ttl).UnixMilli())
	if err != nil {
		return fmt.Errorf("sqlite: window touch: %w", err)
	}
	return nil
}

// LastSeen implements channel.WindowStore.
func (s *WindowStore) LastSeen(ctx context.Context, a channel.Address) (time.Time, bool, error) {
	var ns int64
	err := s.db.db.QueryRowContext(ctx, `SELECT last_ns FROM switchboard_windows WHERE addr = ?`, a.String()).Scan(&ns)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("sqlite: window: %w", err)
	}
	return time.Unix(0, ns).UTC(), true, nil
}

// RecipientLimitStore is a channel.RecipientLimitStore in the
// switchboard_recipient_limits table. Safe for concurrent use.
type RecipientLimitStore struct{ db *DB }

// RecipientLimits returns the RecipientLimitStore of d.
func (d *DB) RecipientLimits() *RecipientLimitStore { return &RecipientLimitStore{db: d} }

var _ channel.RecipientLimitStore = (*RecipientLimitStore)(nil)

// Take implements channel.RecipientLimitStore with one conditional upsert;
// a refusal reads the stored time to say how long to wait.
func (s *RecipientLimitStore) Take(ctx context.Context, a channel.Address, now time.Time, every time.Duration, burst int) (time.Duration, error) {
	n, e, tau := now.UnixNano(), int64(every), int64(every)*int64(max(burst, 1)-1)
	var tat int64
	err := s.db.db.QueryRowContext(ctx, `INSERT INTO switchboard_recipient_limits AS r (addr, tat_ns) VALUES (?1, ?2 + ?3)
		ON CONFLICT (addr) DO UPDATE SET tat_ns = max(r.tat_ns, ?2) + ?3
		WHERE max(r.tat_ns, ?2) - ?2 <= ?4 RETURNING tat_ns`, a.String(), n, e, tau).Scan(&tat)
	if err == nil {
		return 0, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("sqlite: recipient limit: %w", err)
	}
	if err := s.db.db.QueryRowContext(ctx, `SELECT tat_ns FROM switchboard_recipient_limits WHERE addr = ?`, a.String()).Scan(&tat); err != nil {
		return 0, fmt.Errorf("sqlite: recipient limit: %w", err)
	}
	return time.Duration(max(tat-n-tau, 1)), nil
}
