package whatsapp

import (
	"time"

	"golang.org/x/time/rate"

	"github.com/switchboard-go/switchboard/channel"
)

// Platform limits (Cloud API "Throughput" and "Pair rate limits").
const (
	// Throughput is the default number of messages per second one business
	// phone number may send (error 130429 above it).
	Throughput = 80
	// PairInterval is the sustained interval between two messages to one
	// customer (about one per 6 s; error 131056 above it).
	PairInterval = 6 * time.Second
	// PairBurst is the short burst to one customer we allow before the pair
	// interval applies; Meta tolerates small bursts, a bot rarely needs more.
	PairBurst = 3
)

// DefaultLimits returns the Cloud API's documented limits as a ready
// middleware: Throughput messages per second channel-wide (a send waits for
// its turn, up to its ctx deadline) and one message per PairInterval per
// customer after a burst of PairBurst (an over-limit send fails at once with
// channel.ErrRateLimited and its RetryAfter). clock (nil: time.Now) is for
// tests. Build it once per phone number and wrap the Client with it:
//
//	send := channel.Chain(client, whatsapp.DefaultLimits(nil))
//
// The middleware is safe for concurrent use.
func DefaultLimits(clock channel.Clock) channel.Middleware {
	throughput := channel.RateLimit(rate.Limit(Throughput), Throughput/10, clock)
	pair := channel.PerRecipient(channel.RecipientLimitConfig{Every: PairInterval, Burst: PairBurst, Clock: clock})
	return func(next channel.Sender) channel.Sender {
		return pair(throughput(next)) // the per-customer check fails fast, before waiting
	}
}
