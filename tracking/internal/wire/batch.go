package wire

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/tracking"
)

// Numbers normalizes a batch for an adapter whose carrier takes at most max
// numbers per call. An empty batch gives nil, nil (nothing to ask); more than
// max numbers is an error prefixed with the adapter's package name; a number
// that normalizes to nothing is tracking.ErrInvalidNumber.
func Numbers(pkg string, numbers []string, max int) ([]string, error) {
	if len(numbers) == 0 {
		return nil, nil
	}
	if len(numbers) > max {
		return nil, fmt.Errorf("%s: %d numbers in one batch, at most %d", pkg, len(numbers), max)
	}
	norm := make([]string, len(numbers))
	for i, n := range numbers {
		if norm[i] = tracking.Normalize(n); norm[i] == "" {
			return nil, tracking.ErrInvalidNumber
		}
	}
	return norm, nil
}

// Collect lays a carrier's per-number answers out in the order asked: one
// Result per number in norm, Number set, FetchedAt stamped with now on every
// Shipment. A number missing from found gets an Err wrapping
// tracking.ErrNotFound (the carrier answered the call with httpStatus but
// said nothing about it). found holds exactly one of Shipment and Err per
// number, as the adapters' parsers guarantee.
func Collect(carrier tracking.Carrier, httpStatus int, norm []string, found map[string]tracking.Result, now time.Time) []tracking.Result {
	out := make([]tracking.Result, len(norm))
	for i, n := range norm {
		r, ok := found[n]
		switch {
		case !ok:
			r = tracking.Result{Err: &tracking.APIError{Carrier: carrier, StatusCode: httpStatus, Message: "number missing from answer", Err: tracking.ErrNotFound}}
		case r.Err != nil:
			r.Shipment = nil
		default:
			r.Shipment.FetchedAt = now
		}
		r.Number = n
		out[i] = r
	}
	return out
}

// TrackOne looks one number up through a batch call: the Track method of a
// tracking.BatchTracker.
func TrackOne(ctx context.Context, number string, batch func(context.Context, []string) ([]tracking.Result, error)) (*tracking.Shipment, error) {
	rs, err := batch(ctx, []string{number})
	if err != nil {
		return nil, err
	}
	return rs[0].Shipment, rs[0].Err
}
