package channel

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// QuotaConfig configures a Quota.
type QuotaConfig struct {
	// Limit is the number of messages (or unique recipients) allowed per
	// Window. It must be positive.
	Limit int
	// Window is the rolling period; 0 means 24 h.
	Window time.Duration
	// UniqueRecipients counts distinct recipients instead of messages, as
	// WhatsApp's messaging tiers do (1K, 10K, 100K unique customers in a
	// rolling 24 h). A recipient already counted in the window costs nothing.
	UniqueRecipients bool
	// Clock places sends in the window; nil means time.Now.
	Clock Clock
	// Store, if set, keeps the counted sends instead of this process's
	// memory, so one quota holds across instances. Nil keeps them in
	// memory.
	Store QuotaStore
}

// QuotaStore keeps the sends one rolling Quota counted, shared by several
// instances. Take checks and counts atomically: two instances never both
// get the last slot. store/sqlite, store/postgres and store/redis implement
// it (one store value per quota). Implementations must be safe for
// concurrent use.
type QuotaStore interface {
	// Take counts one send to a at now if fewer than limit sends (distinct
	// recipients when unique) fall within the window (now-window, now]; a
	// recipient already counted passes free when unique (empty ticket). It
	// returns wait 0 and a ticket that Refund takes back, or the time until
	// the oldest counted send leaves the window (nothing counted).
	Take(ctx context.Context, a Address, now time.Time, window time.Duration, limit int, unique bool) (wait time.Duration, ticket string, err error)
	// Refund uncounts the send of ticket (its send failed); an empty or
	// unknown ticket is not an error.
	Refund(ctx context.Context, ticket string) error
	// Used returns how many sends (or recipients) fall within the window
	// ending at now.
	Used(ctx context.Context, now time.Time, window time.Duration) (int, error)
}

// QuotaUsage is a snapshot of a Quota.
type QuotaUsage struct {
	// Used is what the window has counted so far (sends, or recipients
	// with UniqueRecipients); Limit is QuotaConfig.Limit.
	Used, Limit int
	// Fraction is Used/Limit.
	Fraction float64
}

// Above reports whether usage is above the given fraction of the limit:
// common practice is to switch to batch sending above 0.8.
func (u QuotaUsage) Above(fraction float64) bool { return u.Fraction > fraction }

// Quota is a rolling-window send quota (daily by default). When spent, its
// Middleware answers an error matching ErrRateLimited, with RetryAfter until
// the oldest counted send leaves the window, before any network call. A send
// the next Sender fails is not counted.
//
// A Quota is safe for concurrent use.
type Quota struct {
	cfg QuotaConfig
	mu  sync.Mutex
	// sends holds the time of each counted send (or first send to a
	// recipient) in order; expired ones are dropped from the front.
	sends []quotaSend
	head  int
	// seen maps a recipient to the time it was last counted (unique mode).
	seen map[Address]int64
}

type quotaSend struct {
	at int64
	to Address
}

// NewQuota returns a Quota. A Limit of 0 or less allows nothing.
func NewQuota(cfg QuotaConfig) *Quota {
	if cfg.Window <= 0 {
		cfg.Window = 24 * time.Hour
	}
	q := &Quota{cfg: cfg}
	if cfg.UniqueRecipients {
		q.seen = make(map[Address]int64)
	}
	return q
}

// expire drops sends older than the window. Called with q.mu held.
func (q *Quota) expire(now int64) {
	cut := now - int64(q.cfg.Window)
	for q.head < len(q.sends) && q.sends[q.head].at <= cut {
		s := q.sends[q.head]
		if q.seen != nil && q.seen[s.to] == s.at {
			delete(q.seen, s.to)
		}
		q.sends[q.head] = quotaSend{}
		q.head++
	}
	if q.head > 1024 && q.head*2 > len(q.sends) { // compact
		q.sends = append(q.sends[:0], q.sends[q.head:]...)
		q.head = 0
	}
}

func (q *Quota) used() int { return len(q.sends) - q.head }

// Usage returns the current usage.
func (q *Quota) Usage() QuotaUsage {
	u, _ := q.UsageContext(context.Background())
	return u
}

// UsageContext is Usage with a context; with a Store it returns the
// store's error wrapped in ErrUnavailable.
func (q *Quota) UsageContext(ctx context.Context) (QuotaUsage, error) {
	if q.cfg.Store != nil {
		n, err := q.cfg.Store.Used(ctx, q.cfg.Clock.Now(), q.cfg.Window)
		if err != nil {
			return QuotaUsage{Limit: q.cfg.Limit}, fmt.Errorf("%w: quota: %w", ErrUnavailable, err)
		}
		return q.usage(n), nil
	}
	return q.memUsage(), nil
}

func (q *Quota) usage(used int) QuotaUsage {
	u := QuotaUsage{Used: used, Limit: q.cfg.Limit}
	if q.cfg.Limit > 0 {
		u.Fraction = float64(u.Used) / float64(q.cfg.Limit)
	}
	return u
}

func (q *Quota) memUsage() QuotaUsage {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.expire(q.cfg.Clock.Now().UnixNano())
	u := QuotaUsage{Used: q.used(), Limit: q.cfg.Limit}
	if q.cfg.Limit > 0 {
		u.Fraction = float64(u.Used) / float64(q.cfg.Limit)
	}
	return u
}

// take counts one send to a, or returns the error to answer. undo reverses
// the count when the send then fails.
// takeContext is take, through the Store when there is one. A Store that
// does not answer gives an error wrapping ErrUnavailable: the send does
// not go out uncounted. A refund that fails leaves the send counted (the
// safe side).
func (q *Quota) takeContext(ctx context.Context, a Address) (undo func(), err error) {
	st := q.cfg.Store
	if st == nil {
		return q.take(a)
	}
	if q.cfg.Limit <= 0 {
		return nil, &limitError{what: "quota spent"}
	}
	wait, ticket, err := st.Take(ctx, a, q.cfg.Clock.Now(), q.cfg.Window, q.cfg.Limit, q.cfg.UniqueRecipients)
	if err != nil {
		return nil, fmt.Errorf("%w: quota: %w", ErrUnavailable, err)
	}
	if wait > 0 {
		return nil, &limitError{what: "quota spent", wait: wait}
	}
	return func() { _ = st.Refund(context.WithoutCancel(ctx), ticket) }, nil
}

func (q *Quota) take(a Address) (undo func(), err error) {
	now := q.cfg.Clock.Now().UnixNano()
	q.mu.Lock()
	defer q.mu.Unlock()
	q.expire(now)
	if q.seen != nil {
		if _, ok := q.seen[a]; ok {
			return func() {}, nil
		}
	}
	if q.used() >= q.cfg.Limit {
		var wait time.Duration
		if q.used() > 0 {
			wait = time.Duration(q.sends[q.head].at + int64(q.cfg.Window) - now)
		}
		return nil, &limitError{what: "quota spent", wait: wait}
	}
	q.sends = append(q.sends, quotaSend{at: now, to: a})
	if q.seen != nil {
		q.seen[a] = now
	}
	return func() { q.refund(a, now) }, nil
}

func (q *Quota) refund(a Address, at int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := len(q.sends) - 1; i >= q.head; i-- {
		if q.sends[i].at == at && q.sends[i].to == a {
			q.sends = append(q.sends[:i], q.sends[i+1:]...)
			if q.seen != nil && q.seen[a] == at {
				delete(q.seen, a)
			}
			return
		}
	}
}

// Middleware returns a Middleware that spends this Quota.
func (q *Quota) Middleware() Middleware {
	return func(next Sender) Sender {
		return SenderFunc(func(ctx context.Context, m *Message) (Receipt, error) {
			if m == nil {
				return next.Send(ctx, m)
			}
			undo, err := q.takeContext(ctx, m.To)
			if err != nil {
				return Receipt{}, err
			}
			r, err := next.Send(ctx, m)
			if err != nil {
				undo()
			}
			return r, err
		})
	}
}
