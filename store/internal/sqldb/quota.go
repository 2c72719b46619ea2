package sqldb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Quota holds what the channel.QuotaStore of both backends share for the
// quota called name in the switchboard_quota_sends table: the backend adds
// Take, whose check-and-count each database makes atomic its own way.
type Quota struct {
	db   DB
	name string
}

// NewQuota returns the Quota called name in db.
func NewQuota(db DB, name string) Quota { return Quota{db, name} }

// Member returns the member a send to a is counted as: the address itself
// when each recipient counts once, else the address and a random suffix.
func Member(a channel.Address, unique bool) string {
	if unique {
		return a.String()
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return a.String() + "\x00" + hex.EncodeToString(b[:])
}

// Refund implements channel.QuotaStore.
func (q *Quota) Refund(ctx context.Context, ticket string) error {
	if ticket == "" {
		return nil
	}
	if _, err := q.db.Conn.Exec(ctx, `DELETE FROM switchboard_quota_sends WHERE quota = $1 AND member = $2`, q.name, q.db.Key(ticket)); err != nil {
		return q.db.wrap("quota refund", err)
	}
	return nil
}

// Used implements channel.QuotaStore.
func (q *Quota) Used(ctx context.Context, now time.Time, window time.Duration) (int, error) {
	var n int
	if err := q.db.Conn.QueryRow(ctx, `SELECT count(*) FROM switchboard_quota_sends WHERE quota = $1 AND at_us > $2`,
		q.name, now.Add(-window).UnixMicro()).Scan(&n); err != nil {
		return 0, q.db.wrap("quota", err)
	}
	return n, nil
}
