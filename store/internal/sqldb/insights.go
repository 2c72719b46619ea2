package sqldb

import (
	"context"

	"github.com/switchboard-go/switchboard/insights"
)

// ValidEvents checks the events of an Append before any is written, so an
// Append stores all of them or none: it returns the first invalid event's
// error (insights.ErrInvalidEvent), else ctx's error.
func ValidEvents(ctx context.Context, events []insights.Event) error {
	for _, e := range events {
		if err := insights.Validate(e); err != nil {
			return err
		}
	}
	return ctx.Err()
}
