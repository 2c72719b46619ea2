package channel

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimit returns a Middleware that keeps all sends through it under r per
// second with bursts of burst (golang.org/x/time/rate), as a platform's
// per-number or per-page throughput limit requires. A send over the limit
// waits for its turn; if ctx would expire first it fails at once with an error
// matching ErrRateLimited whose RetryAfter says how long the wait would be.
// clock (nil: time.Now) decides token refills, so tests advance time instead
// of sleeping.
//
// The middleware is safe for concurrent use; one limiter is shared by every
// Sender it wraps.
func RateLimit(r rate.Limit, burst int, clock Clock) Middleware {
	lim := rate.NewLimiter(r, burst)
	return func(next Sender) Sender {
		return SenderFunc(func(ctx context.Context, m *Message) (Receipt, error) {
			if err := waitLimiter(ctx, lim, clock); err != nil {
				return Receipt{}, err
			}
			return next.Send(ctx, m)
		})
	}
}

func waitLimiter(ctx context.Context, lim *rate.Limiter, clock Clock) error {
	now := clock.now()
	if lim.AllowN(now, 1) {
		return nil
	}
	res := lim.ReserveN(now, 1)
	if !res.OK() {
		return &limitError{what: "burst is zero"}
	}
	delay := res.DelayFrom(now)
	// The deadline is wall-clock time; the delay is a duration on the
	// limiter's clock. Compare durations, so an injected clock far from
	// the wall clock still refuses a wait the deadline cannot cover.
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
		res.CancelAt(now)
		return &limitError{what: "channel-wide limit", wait: delay}
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		res.Cancel()
		return ctx.Err()
	}
}

// RecipientLimitConfig configures PerRecipient.
type RecipientLimitConfig struct {
	// Every is the sustained interval between two messages to one recipient
	// (WhatsApp's pair rate limit: about one message per 6 s).
	Every time.Duration
	// Burst is how many messages may go to one recipient back to back; 0
	// means 1.
	Burst int
	// MaxRecipients bounds memory; 0 means 1<<20. Recipients whose allowance
	// is full again are forgotten first; past the bound the oldest are
	// dropped, which can only loosen (never tighten) their limit.
	MaxRecipients int
	Clock         Clock
}

// PerRecipient returns a Middleware limiting sends to each recipient (by
// Message.To) to one per Every with bursts of Burst. A send over the limit
// fails at once, before any network call, with an error matching
// ErrRateLimited whose RetryAfter is the time until the next allowed send:
// waiting six seconds inside a reply path is the caller's decision, not ours.
//
// It keeps one timestamp per active recipient (GCRA), so memory follows the
// recipients written to within Every·Burst, not all recipients ever seen. The
// middleware is safe for concurrent use.
func PerRecipient(cfg RecipientLimitConfig) Middleware {
	l := newRecipientLimiter(cfg)
	return func(next Sender) Sender {
		return SenderFunc(func(ctx context.Context, m *Message) (Receipt, error) {
			if m != nil {
				if wait := l.take(m.To, cfg.Clock.now()); wait > 0 {
					return Receipt{}, &limitError{what: "per-recipient limit", wait: wait}
				}
			}
			return next.Send(ctx, m)
		})
	}
}

const recipientShards = 32

type recipientLimiter struct {
	every, tau int64
	perShard   int
	seed       maphash.Seed
	shards     [recipientShards]recipientShard
}

type recipientShard struct {
	mu sync.Mutex
	// tat is the theoretical arrival time (unix ns) by a 64-bit keyed hash
	// of the recipient: no string to chase on a lookup. Two recipients
	// sharing a hash (odds about n²/2⁶⁵, 10⁻⁸ for a million) would share an
	// allowance.
	tat       map[uint64]int64
	nextSweep int
}

func newRecipientLimiter(cfg RecipientLimitConfig) *recipientLimiter {
	burst := max(cfg.Burst, 1)
	maxR := cfg.MaxRecipients
	if maxR <= 0 {
		maxR = 1 << 20
	}
	l := &recipientLimiter{
		every:    int64(cfg.Every),
		tau:      int64(cfg.Every) * int64(burst-1),
		perShard: max(1, maxR/recipientShards),
		seed:     maphash.MakeSeed(),
	}
	for i := range l.shards {
		l.shards[i].tat = make(map[uint64]int64)
		l.shards[i].nextSweep = 64
	}
	return l
}

// take consumes one send for a at now and returns 0, or returns how long to
// wait when the recipient is over its limit.
func (l *recipientLimiter) take(a Address, now time.Time) time.Duration {
	if l.every <= 0 {
		return 0
	}
	n := now.UnixNano()
	k := addressKey(l.seed, a)
	sh := &l.shards[k%recipientShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	tat, ok := sh.tat[k]
	if !ok || tat < n {
		tat = n
	}
	if tat-n > l.tau {
		return time.Duration(tat - n - l.tau)
	}
	sh.tat[k] = tat + l.every
	if len(sh.tat) >= sh.nextSweep {
		sh.sweep(n, l.perShard)
	}
	return 0
}

// sweep forgets recipients whose allowance is full again (their state equals
// a fresh one), then, if the shard is still over its bound, arbitrary ones.
// Sweeps happen when the map doubles, so their cost is amortized O(1).
func (sh *recipientShard) sweep(now int64, bound int) {
	for a, tat := range sh.tat {
		if tat <= now {
			delete(sh.tat, a)
		}
	}
	for a := range sh.tat {
		if len(sh.tat) <= bound {
			break
		}
		delete(sh.tat, a)
	}
	sh.nextSweep = min(max(64, 2*len(sh.tat)), bound+1)
}

// addressKey is a keyed 64-bit hash of a, for maps that must not chase the
// id's string on every probe. The id is hashed in one call and the channel
// mixed in as a constant: cheaper than streaming both through maphash.Hash.
func addressKey(seed maphash.Seed, a Address) uint64 {
	h := maphash.String(seed, a.ID)
	switch a.Channel {
	case WhatsApp:
		return h ^ 0x9e3779b97f4a7c15
	case Messenger:
		return h ^ 0xbf58476d1ce4e5b9
	case LINE:
		return h ^ 0x94d049bb133111eb
	case WeChat:
		return h ^ 0xd6e8feb86659fd93
	}
	return h ^ maphash.String(seed, string(a.Channel))*0x2545f4914f6cdd1d
}
