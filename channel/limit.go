package channel

import (
	"context"
	"fmt"
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
	now := clock.Now()
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
	// MaxRecipients bounds memory; 0 means 1<<20. The limiter keeps its
	// recipients (in 32 shards of MaxRecipients/32) in the order they were
	// last sent to: the oldest ones whose allowance is full again are
	// forgotten as they are met, and past the bound the recipient sent to
	// longest ago is dropped, which can only loosen (never tighten) its
	// limit. Both cost O(1) per send.
	MaxRecipients int
	// Clock times the allowances; nil means time.Now.
	Clock Clock
	// Store, if set, keeps the allowances instead of this process's memory,
	// so the limit holds across instances (MaxRecipients then does not
	// apply: the store forgets a recipient once its allowance is full
	// again). Nil keeps them in memory.
	Store RecipientLimitStore
}

// RecipientLimitStore keeps per-recipient allowances (GCRA: one theoretical
// arrival time per recipient) for PerRecipient shared by several instances.
// Take must check and charge atomically: two instances sending to one
// recipient at the same moment never both get the last allowance.
// store/sqlite, store/postgres and store/redis implement it.
// Implementations must be safe for concurrent use.
type RecipientLimitStore interface {
	// Take charges one send to a at now if a's allowance (one send per
	// every, burst back to back) has room, and returns 0. Otherwise it
	// charges nothing and returns how long until the next send is allowed.
	Take(ctx context.Context, a Address, now time.Time, every time.Duration, burst int) (time.Duration, error)
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
//
// With a Store, a send whose allowance cannot be checked does not go out:
// the error matches ErrUnavailable.
func PerRecipient(cfg RecipientLimitConfig) Middleware {
	var take func(ctx context.Context, a Address, now time.Time) (time.Duration, error)
	if st := cfg.Store; st != nil {
		burst := max(cfg.Burst, 1)
		take = func(ctx context.Context, a Address, now time.Time) (time.Duration, error) {
			if cfg.Every <= 0 {
				return 0, nil
			}
			wait, err := st.Take(ctx, a, now, cfg.Every, burst)
			if err != nil {
				return 0, fmt.Errorf("%w: per-recipient limit: %w", ErrUnavailable, err)
			}
			return wait, nil
		}
	} else {
		l := newRecipientLimiter(cfg)
		take = func(_ context.Context, a Address, now time.Time) (time.Duration, error) { return l.take(a, now), nil }
	}
	return func(next Sender) Sender {
		return SenderFunc(func(ctx context.Context, m *Message) (Receipt, error) {
			if m != nil {
				wait, err := take(ctx, m.To, cfg.Clock.Now())
				if err != nil {
					return Receipt{}, err
				}
				if wait > 0 {
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

// recipientShard holds the GCRA state of its recipients in a list ordered
// by last send, oldest first, so both kinds of forgetting cost O(1): the
// oldest entries whose allowance is full again are dropped as they are met
// at the front, and past the bound the front (the recipient written to
// longest ago) goes.
type recipientShard struct {
	mu sync.Mutex
	// idx maps a 64-bit keyed hash of the recipient to its node: no string
	// to chase on a lookup. Two recipients sharing a hash (odds about
	// n²/2⁶⁵, 10⁻⁸ for a million) would share an allowance.
	idx map[uint64]int32
	// nodes[0] is the list's sentinel: nodes[0].next is the oldest,
	// nodes[0].prev the newest. Freed nodes are chained through next from
	// free.
	nodes []lruNode
	free  int32
}

type lruNode struct {
	key        uint64
	tat        int64 // theoretical arrival time, unix ns
	prev, next int32
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
		l.shards[i].idx = make(map[uint64]int32)
		l.shards[i].nodes = make([]lruNode, 1, 64)
	}
	return l
}

// take charges one send to a at now, or returns how long to wait when a's
// allowance is spent (nothing is charged then).
func (l *recipientLimiter) take(a Address, now time.Time) time.Duration {
	if l.every <= 0 {
		return 0
	}
	n := now.UnixNano()
	k := addressKey(l.seed, a)
	sh := &l.shards[k%recipientShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	i, ok := sh.idx[k]
	tat := n
	if ok && sh.nodes[i].tat > n {
		tat = sh.nodes[i].tat
	}
	if tat-n > l.tau {
		return time.Duration(tat - n - l.tau)
	}
	if ok {
		sh.unlink(i)
	} else {
		i = sh.alloc()
		sh.idx[k] = i
	}
	sh.nodes[i].key, sh.nodes[i].tat = k, tat+l.every
	sh.pushBack(i)
	// Forget from the front: entries whose allowance is full again, then
	// the oldest while over the bound. Each entry is forgotten once, so the
	// work is O(1) amortized; the entry just written is at the back and
	// neither full again (every > 0) nor alone over a bound ≥ 1.
	for h := sh.nodes[0].next; h != 0 && (sh.nodes[h].tat <= n || len(sh.idx) > l.perShard); h = sh.nodes[0].next {
		delete(sh.idx, sh.nodes[h].key)
		sh.unlink(h)
		sh.nodes[h] = lruNode{next: sh.free}
		sh.free = h
	}
	return 0
}

func (sh *recipientShard) alloc() int32 {
	if sh.free != 0 {
		i := sh.free
		sh.free = sh.nodes[i].next
		return i
	}
	sh.nodes = append(sh.nodes, lruNode{})
	return int32(len(sh.nodes) - 1)
}

func (sh *recipientShard) unlink(i int32) {
	p, n := sh.nodes[i].prev, sh.nodes[i].next
	sh.nodes[p].next = n
	sh.nodes[n].prev = p
}

func (sh *recipientShard) pushBack(i int32) {
	last := sh.nodes[0].prev
	sh.nodes[i].prev, sh.nodes[i].next = last, 0
	sh.nodes[last].next = i
	sh.nodes[0].prev = i
}
