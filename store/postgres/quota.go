package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/store/internal/sqldb"
)

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
	member := sqldb.Member(a, unique)
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
