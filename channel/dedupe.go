package channel

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ClaimStatus is the answer of DedupeStore.Claim. Its numbers (ClaimNew
// is 1, then in order) do not change: stores' statements and scripts
// answer them.
type ClaimStatus int

const (
	// ClaimNew: the caller now holds the claim, in flight until its lease
	// runs out. It handles the event, then calls Complete (handled) or
	// Release (failed, so a redelivery is handled).
	ClaimNew ClaimStatus = iota + 1
	// ClaimInFlight: another holder's lease is live; the event is being
	// handled right now. It is neither handled again nor acknowledged.
	ClaimInFlight
	// ClaimDone: the event was handled before; acknowledge it.
	ClaimDone
	// ClaimTakenOver: the caller now holds the claim, as with ClaimNew, but
	// took it from an earlier holder whose lease ran out before it
	// completed or released it — a process that stopped mid-way, after or
	// before sending its reply. Dedupe handles the event with
	// Delivery.TakenOver set, so GuardTakeover keeps its replies from going
	// out blindly a second time.
	ClaimTakenOver
)

// TakeoverMemory is how long after its lease ran out a store remembers an
// abandoned claim, so that the claim that takes it reports ClaimTakenOver
// rather than ClaimNew. Platforms redeliver well within it.
const TakeoverMemory = 24 * time.Hour

// String names the status.
func (s ClaimStatus) String() string {
	switch s {
	case ClaimNew:
		return "new"
	case ClaimInFlight:
		return "in flight"
	case ClaimDone:
		return "done"
	case ClaimTakenOver:
		return "taken over"
	}
	return fmt.Sprintf("ClaimStatus(%d)", int(s))
}

// DedupeStore remembers which events are being handled and which were
// handled. Every platform delivers webhooks at least once and retries, so
// adapters wrap handlers with Dedupe, which keeps its claims here. A claim
// is in flight (with a lease) or done (with a TTL): a redelivery during an
// in-flight claim is refused so the platform retries later, and a claim
// whose handler failed, or whose lease ran out because its holder died, can
// be taken again. The in-memory default is MemoryDedupeStore; the store/
// packages back it with SQLite, PostgreSQL or Redis for several instances.
//
// Implementations must be safe for concurrent use.
type DedupeStore interface {
	// Claim takes key for the caller until now+lease if it is free (never
	// claimed, released, or its TTL ran out) and reports ClaimNew, or if an
	// in-flight claim's lease ran out and reports ClaimTakenOver (after
	// TakeoverMemory past the lease, ClaimNew will do); otherwise it reports
	// ClaimInFlight or ClaimDone and changes nothing.
	Claim(ctx context.Context, key string, now time.Time, lease time.Duration) (ClaimStatus, error)
	// Complete marks key done until now+ttl.
	Complete(ctx context.Context, key string, now time.Time, ttl time.Duration) error
	// Release frees an in-flight key so a redelivery is handled. A done key
	// stays done.
	Release(ctx context.Context, key string) error
}

// DedupeConfig configures Dedupe. The zero value uses a MemoryDedupeStore of
// DefaultDedupeKeys keys, a 24 h TTL and a 1 min lease.
type DedupeConfig struct {
	// Store remembers claimed and handled ids; nil means a
	// MemoryDedupeStore of DefaultDedupeKeys keys. Share one store (SQL or
	// Redis) so instances behind a load balancer agree.
	Store DedupeStore
	// TTL is how long a handled id is remembered; 0 means 24 h, longer than
	// any platform's redelivery schedule.
	TTL time.Duration
	// Lease is how long a claim stays in flight without an outcome; 0 means
	// 1 min. It must exceed the longest handling: a handler still running
	// when its lease runs out may see its event handled again elsewhere.
	Lease time.Duration
	// Wait, when positive, makes a redelivery that finds its event in flight
	// wait up to Wait for the first handling's outcome instead of failing
	// at once with ErrInFlight: done is acknowledged, released is claimed
	// and handled. Use it for a platform that gives up soon (WeChat retries
	// three times, 5 s apart).
	Wait time.Duration
	// Clock gives the time of claims; nil means time.Now.
	Clock Clock
	// OnDuplicate, if set, is called for every redelivery that is not
	// handled (done or in flight), e.g. to count them.
	OnDuplicate func(ctx context.Context, e Event)
	// OnError, if set, is told of a store error that Dedupe cannot return:
	// a Complete that failed after the handler succeeded (the event is
	// acknowledged; the claim stays in flight until its lease runs out).
	OnError func(ctx context.Context, e Event, err error)
}

// DefaultDedupeKeys is the capacity of the store Dedupe creates when its
// config names none.
const DefaultDedupeKeys = 1 << 20

// waitPoll is how often a waiting redelivery asks the store again.
const waitPoll = 20 * time.Millisecond

// Dedupe wraps h so that an event (same Channel and ID) is handled
// successfully at most once within the TTL:
//   - a new event is claimed, handled, and marked done;
//   - a redelivery of a done event is acknowledged (nil) without reaching h;
//   - a redelivery while the first is in flight returns an error wrapping
//     ErrInFlight (after Wait, if set), so the adapter answers 503 and the
//     platform tries again later;
//   - when h fails, the claim is released and h's error returned, so the
//     platform's redelivery is handled;
//   - when the store fails, the error wraps ErrUnavailable and h is not
//     called: the adapter answers 5xx and the platform redelivers;
//   - a redelivery after an earlier holder stopped mid-way (its lease ran
//     out: ClaimTakenOver) reaches h with Delivery.TakenOver set: what the
//     earlier holder sent is unknown, and GuardTakeover turns the replies
//     into unknown deliveries for the outbox instead of second copies.
//
// The context given to the store and to h carries the event as a Delivery
// (DeliveryFrom), so a store can share work across the delivery's calls.
// Events with an empty ID always reach h. The returned Handler is safe for
// concurrent use if h and the store are.
func Dedupe(h Handler, cfg DedupeConfig) Handler {
	if cfg.Store == nil {
		cfg.Store = NewMemoryDedupeStore(DefaultDedupeKeys)
	}
	if cfg.TTL <= 0 {
		cfg.TTL = 24 * time.Hour
	}
	if cfg.Lease <= 0 {
		cfg.Lease = time.Minute
	}
	return &dedupeHandler{next: h, cfg: cfg}
}

type dedupeHandler struct {
	next Handler
	cfg  DedupeConfig
}

func (d *dedupeHandler) HandleEvent(ctx context.Context, e Event) error {
	if e.ID == "" {
		return d.next.HandleEvent(ctx, e)
	}
	key := DedupeKey(e.Channel, e.ID)
	dl := &Delivery{Event: e}
	ctx = WithDelivery(ctx, dl)
	st, err := d.claim(ctx, key)
	if err != nil {
		return err
	}
	switch st {
	case ClaimDone:
		d.duplicate(ctx, e)
		return nil
	case ClaimInFlight:
		d.duplicate(ctx, e)
		return fmt.Errorf("%w: %s %s", ErrInFlight, e.Channel, e.ID)
	case ClaimTakenOver:
		dl.TakenOver = true
	}
	if err := d.next.HandleEvent(ctx, e); err != nil {
		if rerr := d.cfg.Store.Release(context.WithoutCancel(ctx), key); rerr != nil {
			return errors.Join(err, fmt.Errorf("%w: dedupe release: %w", ErrUnavailable, rerr))
		}
		return err
	}
	if err := d.cfg.Store.Complete(context.WithoutCancel(ctx), key, d.cfg.Clock.Now(), d.cfg.TTL); err != nil && d.cfg.OnError != nil {
		d.cfg.OnError(ctx, e, fmt.Errorf("%w: dedupe complete: %w", ErrUnavailable, err))
	}
	return nil
}

// claim claims key, waiting up to cfg.Wait for an in-flight claim to end.
func (d *dedupeHandler) claim(ctx context.Context, key string) (ClaimStatus, error) {
	var deadline <-chan time.Time
	for {
		st, err := d.cfg.Store.Claim(ctx, key, d.cfg.Clock.Now(), d.cfg.Lease)
		if err != nil {
			return 0, fmt.Errorf("%w: dedupe claim: %w", ErrUnavailable, err)
		}
		if st != ClaimInFlight || d.cfg.Wait <= 0 {
			return st, nil
		}
		if deadline == nil {
			t := time.NewTimer(d.cfg.Wait)
			defer t.Stop()
			deadline = t.C
		}
		poll := time.NewTimer(waitPoll)
		select {
		case <-ctx.Done():
			poll.Stop()
			return st, nil
		case <-deadline:
			poll.Stop()
			return st, nil
		case <-poll.C:
		}
	}
}

func (d *dedupeHandler) duplicate(ctx context.Context, e Event) {
	if d.cfg.OnDuplicate != nil {
		d.cfg.OnDuplicate(ctx, e)
	}
}

// DedupeKey is the DedupeStore key of an event: its channel, a NUL byte and
// its id. Shared stores use it as is (with their own prefix).
func DedupeKey(ch Kind, id string) string { return string(ch) + "\x00" + id }

// MemoryDedupeStore is the in-memory DedupeStore of one process: a map of
// claims bounded by a ring of keys in claim order. When it holds its
// capacity, claiming a new key forgets the oldest claim (done or, with a
// capacity far above the events of one lease, practically never one in
// flight). Expired claims are forgotten when met or when their ring slot
// comes round. It is safe for concurrent use.
type MemoryDedupeStore struct {
	mu     sync.Mutex
	claims map[string]memClaim
	ring   []ringSlot // keys in claim order; ring[next] is the oldest once full
	max    int        // the ring's length once full
	next   int
	seq    uint64
}

type memClaim struct {
	until time.Time // lease end while in flight, expiry once done
	done  bool
	seq   uint64 // the ring slot that owns this claim
}

type ringSlot struct {
	key string
	seq uint64
}

// NewMemoryDedupeStore returns a store holding at most maxKeys claims;
// maxKeys ≤ 0 means DefaultDedupeKeys.
func NewMemoryDedupeStore(maxKeys int) *MemoryDedupeStore {
	if maxKeys <= 0 {
		maxKeys = DefaultDedupeKeys
	}
	return &MemoryDedupeStore{claims: make(map[string]memClaim), max: maxKeys}
}

// Claim implements DedupeStore. It never fails.
func (s *MemoryDedupeStore) Claim(_ context.Context, key string, now time.Time, lease time.Duration) (ClaimStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.claims[key]
	if ok && c.until.After(now) {
		if c.done {
			return ClaimDone, nil
		}
		return ClaimInFlight, nil
	}
	s.put(key, memClaim{until: now.Add(lease)})
	if ok && !c.done && c.until.Add(TakeoverMemory).After(now) {
		return ClaimTakenOver, nil
	}
	return ClaimNew, nil
}

// put stores c under key in a new ring slot, evicting the oldest slot's
// claim when the ring is full and that claim still belongs to it.
func (s *MemoryDedupeStore) put(key string, c memClaim) {
	s.seq++
	c.seq = s.seq
	s.claims[key] = c
	if len(s.ring) < s.max { // the ring grows with use, up to max
		s.ring = append(s.ring, ringSlot{key: key, seq: s.seq})
		return
	}
	old := s.ring[s.next]
	if oc, ok := s.claims[old.key]; ok && old.key != key && oc.seq == old.seq {
		delete(s.claims, old.key)
	}
	s.ring[s.next] = ringSlot{key: key, seq: s.seq}
	s.next = (s.next + 1) % s.max
}

// Complete implements DedupeStore. It never fails.
func (s *MemoryDedupeStore) Complete(_ context.Context, key string, now time.Time, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.claims[key]
	if !ok {
		s.put(key, memClaim{until: now.Add(ttl), done: true})
		return nil
	}
	c.done, c.until = true, now.Add(ttl)
	s.claims[key] = c
	return nil
}

// Release implements DedupeStore. It never fails.
func (s *MemoryDedupeStore) Release(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.claims[key]; ok && !c.done {
		delete(s.claims, key)
	}
	return nil
}

// Len returns how many claims the store holds, expired ones included until
// they are forgotten.
func (s *MemoryDedupeStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.claims)
}
