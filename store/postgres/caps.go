package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-go/switchboard/notify"
)

// NoticeCaps is a notify.CapStore in the switchboard_notice_caps table:
// one conditional upsert takes the cap, so planners on every instance
// together send a customer at most one capped notice per period. Safe for
// concurrent use.
type NoticeCaps struct{ db *DB }

// NoticeCaps returns the database's notice cap store.
func (d *DB) NoticeCaps() *NoticeCaps { return &NoticeCaps{db: d} }

var _ notify.CapStore = (*NoticeCaps)(nil)

// Take implements notify.CapStore.
func (c *NoticeCaps) Take(ctx context.Context, customer string, now time.Time, period time.Duration) (bool, time.Time, error) {
	var last int64
	err := c.db.pool.QueryRow(ctx, `INSERT INTO switchboard_notice_caps AS c (customer, last_us) VALUES ($1, $2)
		ON CONFLICT (customer) DO UPDATE SET last_us = excluded.last_us
		WHERE c.last_us + $3 <= excluded.last_us
		RETURNING last_us`, customer, now.UnixMicro(), period.Microseconds()).Scan(&last)
	if err == nil {
		return true, time.Time{}, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return false, time.Time{}, fmt.Errorf("postgres: notice cap: %w", err)
	}
	if err := c.db.pool.QueryRow(ctx, `SELECT last_us FROM switchboard_notice_caps WHERE customer = $1`, customer).Scan(&last); err != nil {
		return false, time.Time{}, fmt.Errorf("postgres: notice cap: %w", err)
	}
	return false, time.UnixMicro(last).Add(period).UTC(), nil
}
