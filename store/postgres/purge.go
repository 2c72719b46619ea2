package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/store/internal/sqldb"
)

// purges are the statements that forget expired state; each takes now in
// Unix ms, or in ns where ns is set.
var purges = []struct {
	sql string
	ns  bool
}{
	// An abandoned claim is kept channel.TakeoverMemory after its lease, so
	// its taker knows it takes over.
	{sql: fmt.Sprintf(`DELETE FROM switchboard_dedupe WHERE until <= to_timestamp($1::bigint / 1000.0)
		AND (done OR until <= to_timestamp($1::bigint / 1000.0) - interval '%d seconds')`, int64(channel.TakeoverMemory.Seconds()))},
	{sql: `DELETE FROM switchboard_windows WHERE expires_ms <= $1::bigint`},
	{sql: `DELETE FROM switchboard_recipient_limits WHERE tat_ns <= $1::bigint`, ns: true},
	{sql: `DELETE FROM switchboard_conversations WHERE expires_ms <= $1::bigint`},
}

// Purge deletes the state that expired by now (done and abandoned claims,
// closed windows, refilled allowances, ended conversations) through the
// tables' expiry indexes, and returns how many rows went.
func (d *DB) Purge(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	for _, q := range purges {
		arg := now.UnixMilli()
		if q.ns {
			arg = now.UnixNano()
		}
		r, err := d.pool.Exec(ctx, q.sql, arg)
		if err != nil {
			return n, fmt.Errorf("postgres: purge: %w", err)
		}
		k := r.RowsAffected()
		n += k
	}
	return n, nil
}

// PurgeEvery calls Purge every interval (with the time of clock, nil
// meaning time.Now) until ctx ends, so expired state is forgotten without a
// cron job outside the program. Errors are passed to onError when it is
// not nil and the loop goes on.
func (d *DB) PurgeEvery(ctx context.Context, interval time.Duration, clock channel.Clock, onError func(error)) {
	sqldb.PurgeEvery(ctx, interval, clock, d.Purge, onError)
}
