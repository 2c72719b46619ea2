package tracking

import "context"

// Tracker asks one carrier about one tracking number. Implementations are
// safe for concurrent use.
//
// Track returns ErrNotFound (wrapped) when the carrier does not know the
// number, ErrRateLimited when throttled, and an *APIError for other carrier
// failures.
type Tracker interface {
	Track(ctx context.Context, number string) (*Shipment, error)
}

// BatchTracker is a Tracker whose carrier answers several numbers in one
// call (FedEx up to 30, 17TRACK up to 40). The Poller finds it by type
// assertion and spends one rate-limit token and one quota unit per batch.
type BatchTracker interface {
	Tracker
	// MaxBatch is the largest number of numbers one TrackBatch call takes.
	MaxBatch() int
	// TrackBatch returns one Result per number, in the order given. err is
	// non-nil only when the whole call failed (auth, 429, 5xx); a number the
	// carrier does not know gets a Result with Err wrapping ErrNotFound.
	TrackBatch(ctx context.Context, numbers []string) ([]Result, error)
}

// Result is one number's answer in a batch.
type Result struct {
	// Number is the tracking number asked for, normalized (Normalize: spaces
	// and dashes removed, upper case), as the adapters send it to the carrier.
	Number string
	// Shipment is the answer; nil when Err is set.
	Shipment *Shipment
	// Err is this number's failure (wrapping ErrNotFound when the carrier
	// does not know it), or nil.
	Err error
}

// TrackerFunc adapts a function to the Tracker interface.
type TrackerFunc func(ctx context.Context, number string) (*Shipment, error)

// Track calls f.
func (f TrackerFunc) Track(ctx context.Context, number string) (*Shipment, error) {
	return f(ctx, number)
}
