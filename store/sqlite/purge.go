package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/store/internal/sqldb"
)

// purges are the statements that forget expired state; each takes now in
// Unix ms and ns, and channel.TakeoverMemory in ms (an abandoned claim is
// kept that long after its lease, so its taker knows it takes over).
var purges = []string{
	`DELETE FROM switchboard_dedupe WHERE until_ms <= ?1 AND (done = 1 OR until_ms <= ?1 - ?3)`,
	`DELETE FROM switchboard_windows WHERE expires_ms <= ?1`,
	`DELETE FROM switchboard_recipient_limits WHERE tat_ns <= ?2`,
	`DELETE FROM switchboard_conversations WHERE expires_ms <= ?1`,
}

// Purge deletes the state that expired by now (done and abandoned claims,
// closed windows, refilled allowances, ended conversations) through the
// tables' expiry indexes, and returns how many rows went.
func (d *DB) Purge(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	for _, q := range purges {
		r, err := d.db.ExecContext(ctx, q, now.UnixMilli(), now.UnixNano(), channel.TakeoverMemory.Milliseconds())
		if err != nil {
			return n, fmt.Errorf("sqlite: purge: %w", err)
		}
		k, _ := r.RowsAffected()
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
