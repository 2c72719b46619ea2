package channel

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"math/bits"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/internal/hashtab"
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
	d := &dedupeHandler{next: h, cfg: cfg}
	d.mem, _ = cfg.Store.(*MemoryDedupeStore)
	return d
}

type dedupeHandler struct {
	next Handler
	cfg  DedupeConfig
	mem  *MemoryDedupeStore // cfg.Store when it is one: hashed without a key string
}

func (d *dedupeHandler) HandleEvent(ctx context.Context, e Event) error {
	if e.ID == "" {
		return d.next.HandleEvent(ctx, e)
	}
	if d.mem != nil {
		k := d.mem.eventKey(e.Channel, e.ID)
		if !d.mem.claim(k, d.cfg.Clock.now(), d.cfg.TTL) {
			d.duplicate(ctx, e)
			return nil
		}
		if err := d.next.HandleEvent(ctx, e); err != nil {
			d.mem.release(k)
			return err
		}
		return nil
	}
	key := dedupeKey(e.Channel, e.ID)
	ok, err := d.cfg.Store.Claim(ctx, key, d.cfg.Clock.now(), d.cfg.TTL)
	if err != nil {
		return fmt.Errorf("channel: dedupe claim: %w", err)
	}
	if !ok {
		d.duplicate(ctx, e)
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

func (d *dedupeHandler) duplicate(ctx context.Context, e Event) {
	if d.cfg.OnDuplicate != nil {
		d.cfg.OnDuplicate(ctx, e)
	}
}

// dedupeKey is the DedupeStore key of an event: its channel, a NUL byte
// and its id.
func dedupeKey(ch Kind, id string) string { return string(ch) + "\x00" + id }

const dedupeShards = 64

// released marks a young claim that was released before flush.
const released = math.MinInt64

// MemoryDedupeStore is the in-memory DedupeStore, in 64 shards. Each shard
// takes new claims into a small table that stays in the CPU cache and
// moves them, 256 at a time, into the current generation of its big
// tables; when that generation is full, the previous one is dropped whole
// and the current one takes its place. A Bloom filter per generation, the
// two filters' blocks for a key in one cache line, tells a new id, the
// common case, from a known one with a single memory access and no table
// probe; the moves are batched so that their cache misses overlap. The
// store holds at most maxKeys keys and remembers every key for at least
// about maxKeys/2 later claims (spread evenly over the shards), or its TTL
// if that ends first. Keys normally expire by TTL long before they are
// dropped; size the store above twice the ids you expect per TTL.
//
// It keeps a 64-bit keyed hash of each key rather than the key itself (16
// bytes an entry, nothing for the garbage collector to scan). A new key is
// taken for a duplicate only if its hash equals a stored one's: about
// n/2⁶⁴ per event, 5·10⁻¹⁴ with a million keys held.
//
// A MemoryDedupeStore is safe for concurrent use.
type MemoryDedupeStore struct {
	shards [dedupeShards]dedupeShard // first: at the allocation's 64-byte aligned start
	seed   maphash.Seed
}

type dedupeShard struct {
	mu sync.Mutex
	// young indexes the newest claims, at most youngMax, until flush moves
	// them to cur: open addressing over pending, each slot 0 (empty) or
	// an index into pending plus one. Two bytes a slot keep it, with
	// pending, in the CPU cache.
	young    []uint16
	youngMax int
	cur      hashtab.Table[int64] // the current generation, at most limit keys
	prev     hashtab.Table[int64] // the generation before
	limit    int
	// filter has every key of young and cur in its current generation,
	// every key of prev in its previous one, and some released keys.
	filter  dedupeFilter
	pending []youngClaim // the young claims, in claim order
	warm    uint64       // what Warm read, kept so that reading it is not optimized away
	_       [80]byte     // 256 bytes a shard: no false sharing between shards
}

// youngClaim is a claim not yet moved into the current generation.
type youngClaim struct {
	key uint64
	exp int64 // unix nanoseconds, or released
}

// youngSlot returns the slot of young holding k, or else the empty slot
// where k goes.
func (sh *dedupeShard) youngSlot(k uint64) *uint16 {
	mask := uint64(len(sh.young) - 1)
	for i := k >> 40 & mask; ; i = (i + 1) & mask {
		y := &sh.young[i]
		if *y == 0 || sh.pending[*y-1].key == k {
			return y
		}
	}
}

// NewMemoryDedupeStore returns a store holding at most maxKeys keys (0 or
// less means DefaultDedupeKeys; at least 192, three per shard). Its tables
// grow with the keys held, 32 to 64 bytes a key (they double and stay at
// most half full), up to that bound; the filters take 1.25 bytes a key of
// maxKeys and the young claims up to 336 KiB, from the start.
func NewMemoryDedupeStore(maxKeys int) *MemoryDedupeStore {
	if maxKeys <= 0 {
		maxKeys = DefaultDedupeKeys
	}
	perShard := maxKeys / dedupeShards
	youngMax := min(256, max(1, perShard/8))
	limit := max(1, (perShard-youngMax)/2)
	s := &MemoryDedupeStore{seed: maphash.MakeSeed()}
	for i := range s.shards {
		sh := &s.shards[i]
		sh.youngMax, sh.limit = youngMax, limit
		sh.young = make([]uint16, 2<<bits.Len(uint(youngMax-1)))
		sh.pending = make([]youngClaim, 0, youngMax)
		sh.filter = newDedupeFilter(limit)
	}
	return s
}

// Claim implements DedupeStore. It never returns an error. A key in
// Dedupe's form (channel, NUL, id) is hashed as Dedupe hashes the event, so
// Dedupe and direct callers agree on it.
func (s *MemoryDedupeStore) Claim(_ context.Context, key string, now time.Time, ttl time.Duration) (bool, error) {
	return s.claim(s.key(key), now, ttl), nil
}

// key is the table key of a store key.
func (s *MemoryDedupeStore) key(key string) uint64 {
	ch, id, ok := strings.Cut(key, "\x00")
	if !ok {
		return max(maphash.String(s.seed, key), 1)
	}
	return s.eventKey(Kind(ch), id)
}

// eventKey is the table key of an event's channel and id; never 0, the
// table's empty mark.
func (s *MemoryDedupeStore) eventKey(ch Kind, id string) uint64 {
	return max(addressKey(s.seed, Address{Channel: ch, ID: id}), 1)
}

func (s *MemoryDedupeStore) claim(k uint64, now time.Time, ttl time.Duration) bool {
	sh := &s.shards[k%dedupeShards]
	n := now.UnixNano()
	sh.mu.Lock()
	ok := sh.claim(k, n, n+int64(ttl))
	sh.mu.Unlock() // not deferred: claim cannot panic, and every event would pay for the defer
	return ok
}

// claim claims k at time n (unix nanoseconds) until exp; sh.mu is held.
func (sh *dedupeShard) claim(k uint64, n, exp int64) bool {
	// The current generation's filter takes k now, while its block is in
	// cache. Unless all of k's bits were set already, k is neither young
	// nor in cur; the same cache line answers for prev: a new id, the
	// common case, looks in no table.
	inCur, inPrev := sh.filter.add(k)
	var y *uint16
	var e *hashtab.Entry[int64]
	if inCur {
		if y = sh.youngSlot(k); *y != 0 {
			c := &sh.pending[*y-1]
			if c.exp > n {
				return false
			}
			c.exp = exp // expired or released: claimed again
			return true
		}
		e = sh.cur.Lookup(k)
	}
	if e == nil && inPrev {
		e = sh.prev.Lookup(k)
	}
	if e != nil && e.Value > n {
		return false
	}
	if y == nil {
		y = sh.youngSlot(k)
	}
	i := len(sh.pending)
	sh.pending = append(sh.pending, youngClaim{key: k, exp: exp})
	*y = uint16(i + 1)
	if i+1 >= sh.youngMax {
		sh.flush()
	}
	return true
}

// flush moves the young claims into the current generation, first
// replacing the previous generation with it if they would not fit (the
// young keys then go into the new current filter again).
func (sh *dedupeShard) flush() {
	if sh.cur.Len()+len(sh.pending) > sh.limit {
		sh.prev.Clear()
		sh.cur, sh.prev = sh.prev, sh.cur
		sh.cur.Reserve(sh.limit)
		sh.filter.rotate()
		for _, c := range sh.pending {
			sh.filter.add(c.key)
		}
	}
	for _, c := range sh.pending {
		sh.warm += sh.cur.Warm(c.key)
	}
	for _, c := range sh.pending {
		if c.exp != released {
			sh.cur.Put(c.key, c.exp) // a key claimed again after expiry is in cur already
		}
	}
	sh.pending = sh.pending[:0]
	clear(sh.young)
}

// Release implements DedupeStore. It never returns an error.
func (s *MemoryDedupeStore) Release(_ context.Context, key string) error {
	s.release(s.key(key))
	return nil
}

func (s *MemoryDedupeStore) release(k uint64) {
	sh := &s.shards[k%dedupeShards]
	sh.mu.Lock()
	if y := sh.youngSlot(k); *y != 0 {
		sh.pending[*y-1].exp = released // stays young: a claim again reuses the slot
	}
	sh.cur.Remove(k)
	sh.prev.Remove(k)
	sh.mu.Unlock()
}

// Len returns how many keys the store holds (expired ones included until
// their generation is dropped or they are claimed again).
func (s *MemoryDedupeStore) Len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		n += sh.cur.Len() + sh.prev.Len()
		for _, c := range sh.pending {
			if c.exp != released {
				n++
			}
		}
		sh.mu.Unlock()
	}
	return n
}
