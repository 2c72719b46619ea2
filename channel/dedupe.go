package channel

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"time"
)

// DedupeStore remembers which events were handled. Every platform delivers
// webhooks at least once and retries, so adapters wrap handlers with Dedupe,
// which keeps its state here. The in-memory default is MemoryDedupeStore; a
// shop running several instances can back it with a shared store (Redis SET NX
// with an expiry, an INSERT ... ON CONFLICT DO NOTHING).
//
// Implementations must be safe for concurrent use.
type DedupeStore interface {
	// Claim records key as seen until now+ttl. It reports false when the key
	// was already claimed and has not expired: the caller must not handle it.
	Claim(ctx context.Context, key string, now time.Time, ttl time.Duration) (bool, error)
	// Release forgets key, so a redelivery after a failed handling is handled.
	Release(ctx context.Context, key string) error
}

// DedupeConfig configures Dedupe. The zero value uses a MemoryDedupeStore of
// DefaultDedupeKeys keys and a 24 h TTL.
type DedupeConfig struct {
	Store DedupeStore
	// TTL is how long a handled id is remembered; 0 means 24 h, longer than
	// any platform's redelivery schedule.
	TTL   time.Duration
	Clock Clock
	// OnDuplicate, if set, is called for every dropped duplicate (metrics).
	OnDuplicate func(ctx context.Context, e Event)
}

// DefaultDedupeKeys is the capacity of the store Dedupe creates when its
// config names none.
const DefaultDedupeKeys = 1 << 20

// Dedupe wraps h so that an event seen before (same Channel and ID, within the
// TTL) is acknowledged without reaching h. Of two concurrent deliveries of one
// id exactly one reaches h. When h returns an error the claim is released, so
// the platform's redelivery is handled; a store error is returned as is
// (wrapped), making the adapter answer with a failure and the platform retry,
// which loses nothing. Events with an empty ID always reach h.
//
// The returned Handler is safe for concurrent use if h is.
func Dedupe(h Handler, cfg DedupeConfig) Handler {
	if cfg.Store == nil {
		cfg.Store = NewMemoryDedupeStore(DefaultDedupeKeys)
	}
	if cfg.TTL <= 0 {
		cfg.TTL = 24 * time.Hour
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
	key := string(e.Channel) + "\x00" + e.ID
	ok, err := d.cfg.Store.Claim(ctx, key, d.cfg.Clock.now(), d.cfg.TTL)
	if err != nil {
		return fmt.Errorf("channel: dedupe claim: %w", err)
	}
	if !ok {
		if d.cfg.OnDuplicate != nil {
			d.cfg.OnDuplicate(ctx, e)
		}
		return nil
	}
	if err := d.next.HandleEvent(ctx, e); err != nil {
		if rerr := d.cfg.Store.Release(context.WithoutCancel(ctx), key); rerr != nil {
			return errors.Join(err, fmt.Errorf("channel: dedupe release: %w", rerr))
		}
		return err
	}
	return nil
}

const dedupeShards = 64

// MemoryDedupeStore is the in-memory DedupeStore: sharded maps with a
// per-shard ring that evicts the oldest key once the store holds maxKeys, so
// memory stays bounded however many ids arrive. Keys normally expire by TTL
// long before they are evicted; size it above the ids you expect per TTL.
//
// A MemoryDedupeStore is safe for concurrent use.
type MemoryDedupeStore struct {
	seed   maphash.Seed
	shards [dedupeShards]dedupeShard
}

type dedupeShard struct {
	mu   sync.Mutex
	keys map[string]dedupeEntry
	ring []dedupeSlot // insertion order, for eviction
	head int          // next slot to overwrite once the ring is full
	seq  uint64
	_    [40]byte // keep shards on separate cache lines
}

type dedupeEntry struct {
	expires int64 // unix nanoseconds
	seq     uint64
}

type dedupeSlot struct {
	key string
	seq uint64
}

// NewMemoryDedupeStore returns a store holding at most maxKeys keys (at least
// one per shard; 0 or less means DefaultDedupeKeys).
func NewMemoryDedupeStore(maxKeys int) *MemoryDedupeStore {
	if maxKeys <= 0 {
		maxKeys = DefaultDedupeKeys
	}
	per := max(1, (maxKeys+dedupeShards-1)/dedupeShards)
	s := &MemoryDedupeStore{seed: maphash.MakeSeed()}
	for i := range s.shards {
		s.shards[i].keys = make(map[string]dedupeEntry)
		s.shards[i].ring = make([]dedupeSlot, 0, per)
	}
	return s
}

func (s *MemoryDedupeStore) shard(key string) *dedupeShard {
	return &s.shards[maphash.String(s.seed, key)%dedupeShards]
}

// Claim implements DedupeStore. It never returns an error.
func (s *MemoryDedupeStore) Claim(_ context.Context, key string, now time.Time, ttl time.Duration) (bool, error) {
	sh := s.shard(key)
	n := now.UnixNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if e, ok := sh.keys[key]; ok && e.expires > n {
		return false, nil
	}
	sh.seq++
	slot := dedupeSlot{key: key, seq: sh.seq}
	if len(sh.ring) < cap(sh.ring) {
		sh.ring = append(sh.ring, slot)
	} else {
		old := sh.ring[sh.head]
		if e, ok := sh.keys[old.key]; ok && e.seq == old.seq {
			delete(sh.keys, old.key)
		}
		sh.ring[sh.head] = slot
		sh.head = (sh.head + 1) % len(sh.ring)
	}
	sh.keys[key] = dedupeEntry{expires: n + int64(ttl), seq: slot.seq}
	return true, nil
}

// Release implements DedupeStore. It never returns an error.
func (s *MemoryDedupeStore) Release(_ context.Context, key string) error {
	sh := s.shard(key)
	sh.mu.Lock()
	delete(sh.keys, key)
	sh.mu.Unlock()
	return nil
}

// Len returns how many keys the store holds (expired ones included until
// they are evicted or claimed again).
func (s *MemoryDedupeStore) Len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		n += len(sh.keys)
		sh.mu.Unlock()
	}
	return n
}
