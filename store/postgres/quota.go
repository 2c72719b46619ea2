package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-go/switchboard/channel"
)

// QuotaStore is a channel.QuotaStore in the switchboard_quota_sends table,
// shared by every instance. Take runs in one transaction under an advisory
// lock on the quota's name, so instances check and count one at a time
// (a rolling window has no single row to upsert). Safe for concurrent use.
type QuotaStore struct {
	db   *DB
	name string
}

// Quota returns the QuotaStore of the quota called name in d.
func (d *DB) Quota(name string) *QuotaStore { return &QuotaStore{db: d, name: name} }

var _ channel.QuotaStore = (*QuotaStore)(nil)

// quotaTakeSQL checks and counts in one statement, under the lock and after
// the expired sends were deleted (a separate statement: a row deleted and
// inserted again in one statement would clash on its key): it answers the
// wait in µs (0 = counted) and whether the member was already counted.
const quotaTakeSQL = `WITH live AS (
	SELECT member, at_us FROM switchboard_quota_sends WHERE quota = $1 AND at_us > $3::bigint - $4::bigint),
stat AS (
	SELECT count(*) AS used, min(at_us) AS oldest, bool_or($6::boolean AND member = $2) AS seen FROM live),
ins AS (
	INSERT INTO switchboard_quota_sends (quota, member, at_us)
	SELECT $1, $2, $3 FROM stat WHERE NOT coalesce(seen, false) AND used < $5
	RETURNING 1)
SELECT CASE WHEN coalesce(seen, false) OR EXISTS (SELECT 1 FROM ins) THEN 0
	ELSE greatest(oldest + $4::bigint - $3::bigint, 1) END, coalesce(seen, false)
FROM stat`

// Take implements channel.QuotaStore in one transaction of three
// statements.
func (q *QuotaStore) Take(ctx context.Context, a channel.Address, now time.Time, window time.Duration, limit int, unique bool) (time.Duration, string, error) {
	member := a.String()
	if !unique {
		var b [8]byte
		_, _ = rand.Read(b[:])
		member += "\x00" + hex.EncodeToString(b[:])
	}
	var wait int64
	var seen bool
	err := pgx.BeginFunc(ctx, q.db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "switchboard_quota:"+q.name); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM switchboard_quota_sends WHERE quota = $1 AND at_us <= $2`,
			q.name, now.Add(-window).UnixMicro()); err != nil {
			return err
		}
		return tx.QueryRow(ctx, quotaTakeSQL, q.name, []byte(member), now.UnixMicro(), window.Microseconds(), limit, unique).Scan(&wait, &seen)
	})
	if err != nil {
		return 0, "", fmt.Errorf("postgres: quota: %w", err)
	}
	if wait > 0 || seen {
		return time.Duration(wait) * time.Microsecond, "", nil
	}
	return 0, member, nil
}

// Refund implements channel.QuotaStore.
func (q *QuotaStore) Refund(ctx context.Context, ticket string) error {
	if ticket == "" {
		return nil
	}
	if _, err := q.db.pool.Exec(ctx, `DELETE FROM switchboard_quota_sends WHERE quota = $1 AND member = $2`, q.name, []byte(ticket)); err != nil {
		return fmt.Errorf("postgres: quota refund: %w", err)
	}
	return nil
}

// Used implements channel.QuotaStore.
func (q *QuotaStore) Used(ctx context.Context, now time.Time, window time.Duration) (int, error) {
	var n int
	if err := q.db.pool.QueryRow(ctx, `SELECT count(*) FROM switchboard_quota_sends WHERE quota = $1 AND at_us > $2`,
		q.name, now.Add(-window).UnixMicro()).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: quota: %w", err)
	}
	return n, nil
}
