package sqldb

import (
	"context"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// PurgeEvery calls purge every interval (with the time of clock) until ctx
// ends. Errors are passed to onError when it is not nil and the loop goes
// on.
func PurgeEvery(ctx context.Context, interval time.Duration, clock channel.Clock, purge func(context.Context, time.Time) (int64, error), onError func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := purge(ctx, clock.Now()); err != nil && onError != nil && ctx.Err() == nil {
				onError(err)
			}
		}
	}
}
