package sqldb

import (
	"context"
	"time"
)

// NoticeCaps is a notify.CapStore in the switchboard_notice_caps table: one
// conditional upsert takes the cap. Safe for concurrent use.
type NoticeCaps struct{ db DB }

// NewNoticeCaps returns the NoticeCaps of db.
func NewNoticeCaps(db DB) NoticeCaps { return NoticeCaps{db} }

// Take implements notify.CapStore.
func (c *NoticeCaps) Take(ctx context.Context, customer string, now time.Time, period time.Duration) (bool, time.Time, error) {
	var last int64
	err := c.db.Conn.QueryRow(ctx, `INSERT INTO switchboard_notice_caps AS c (customer, last_us) VALUES ($1, $2)
		ON CONFLICT (customer) DO UPDATE SET last_us = excluded.last_us
		WHERE c.last_us + $3 <= excluded.last_us
		RETURNING last_us`, customer, now.UnixMicro(), period.Microseconds()).Scan(&last)
	if err == nil {
		return true, time.Time{}, nil
	}
	if !noRows(err) {
		return false, time.Time{}, c.db.wrap("notice cap", err)
	}
	if err := c.db.Conn.QueryRow(ctx, `SELECT last_us FROM switchboard_notice_caps WHERE customer = $1`, customer).Scan(&last); err != nil {
		return false, time.Time{}, c.db.wrap("notice cap", err)
	}
	return false, time.UnixMicro(last).Add(period).UTC(), nil
}
