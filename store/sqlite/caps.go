package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/notify"
)

// NoticeCaps is a notify.CapStore in the switchboard_notice_caps table: one
// conditional upsert takes the cap. Safe for concurrent use.
type NoticeCaps struct{ db *DB }

// NoticeCaps returns the database's notice cap store.
func (d *DB) NoticeCaps() *NoticeCaps { return &NoticeCaps{db: d} }

var _ notify.CapStore = (*NoticeCaps)(nil)

// Take implements notify.CapStore.
func (c *NoticeCaps) Take(ctx context.Context, customer string, now time.Time, period time.Duration) (bool, time.Time, error) {
	var last int64
	err := c.db.db.QueryRowContext(ctx, `INSERT INTO switchboard_notice_caps (customer, last_us) VALUES (?, ?)
		ON CONFLICT (customer) DO UPDATE SET last_us = excluded.last_us
		WHERE switchboard_notice_caps.last_us + ? <= excluded.last_us
		RETURNING last_us`, customer, now.UnixMicro(), period.Microseconds()).Scan(&last)
	if err == nil {
		return true, time.Time{}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, time.Time{}, fmt.Errorf("sqlite: notice cap: %w", err)
	}
	if err := c.db.db.QueryRowContext(ctx, `SELECT last_us FROM switchboard_notice_caps WHERE customer = ?`, customer).Scan(&last); err != nil {
		return false, time.Time{}, fmt.Errorf("sqlite: notice cap: %w", err)
	}
	return false, time.UnixMicro(last).Add(period).UTC(), nil
}
