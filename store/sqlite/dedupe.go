package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Claim implements channel.DedupeStore: the key's row is read and, when
// the claim is free, written, both in one request of a batch (atomic: the
// batch's transaction runs one request at a time).
func (s *DedupeStore) Claim(ctx context.Context, key string, now time.Time, lease time.Duration) (channel.ClaimStatus, error) {
	var st channel.ClaimStatus
	err := s.db.atomic(ctx, false, func(ctx context.Context, c conn) error {
		var until int64
		var done bool
		err := c.QueryRow(ctx, `SELECT until_ms, done FROM switchboard_dedupe WHERE key = ?`, key).Scan(&until, &done)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			st = channel.ClaimNew
		case err != nil:
			return err
		case until > now.UnixMilli() && done:
			st = channel.ClaimDone
			return nil
		case until > now.UnixMilli():
			st = channel.ClaimInFlight
			return nil
		case !done && until+channel.TakeoverMemory.Milliseconds() > now.UnixMilli():
			st = channel.ClaimTakenOver
		default:
			st = channel.ClaimNew
		}
		_, err = c.Exec(ctx, `INSERT INTO switchboard_dedupe (key, until_ms, done) VALUES (?, ?, 0)
			ON CONFLICT (key) DO UPDATE SET until_ms = excluded.until_ms, done = 0`, key, now.Add(lease).UnixMilli())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite: claim: %w", err)
	}
	return st, nil
}

// Complete implements channel.DedupeStore.
func (s *DedupeStore) Complete(ctx context.Context, key string, now time.Time, ttl time.Duration) error {
	_, err := (conn{d: s.db}).Exec(ctx, `INSERT INTO switchboard_dedupe (key, until_ms, done) VALUES (?, ?, 1)
		ON CONFLICT (key) DO UPDATE SET until_ms = excluded.until_ms, done = 1`, key, now.Add(ttl).UnixMilli())
	if err != nil {
		return fmt.Errorf("sqlite: complete: %w", err)
	}
	return nil
}

// Release implements channel.DedupeStore.
func (s *DedupeStore) Release(ctx context.Context, key string) error {
	if _, err := (conn{d: s.db}).Exec(ctx, `DELETE FROM switchboard_dedupe WHERE key = ? AND done = 0`, key); err != nil {
		return fmt.Errorf("sqlite: release: %w", err)
	}
	return nil
}
