package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Claim implements channel.DedupeStore: one upsert that takes a free or
// expired key; when it takes nothing, the key's state says in flight or
// done.
func (s *DedupeStore) Claim(ctx context.Context, key string, now time.Time, lease time.Duration) (channel.ClaimStatus, error) {
	var one int
	err := (conn{d: s.db}).QueryRow(ctx, `INSERT INTO switchboard_dedupe (key, until_ms, done) VALUES (?, ?, 0)
		ON CONFLICT (key) DO UPDATE SET until_ms = excluded.until_ms, done = 0
		WHERE switchboard_dedupe.until_ms <= ? RETURNING 1`,
		key, now.Add(lease).UnixMilli(), now.UnixMilli()).Scan(&one)
	if err == nil {
		return channel.ClaimNew, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("sqlite: claim: %w", err)
	}
	var done bool
	err = (conn{d: s.db}).QueryRow(ctx, `SELECT done FROM switchboard_dedupe WHERE key = ?`, key).Scan(&done)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return channel.ClaimInFlight, nil // released between the statements: let the platform retry
	case err != nil:
		return 0, fmt.Errorf("sqlite: claim: %w", err)
	case done:
		return channel.ClaimDone, nil
	}
	return channel.ClaimInFlight, nil
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
