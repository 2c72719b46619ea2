package identity

import (
	"context"
	"errors"
	"hash/maphash"
	"slices"
	"sync"
	"time"
	"unsafe"

	"github.com/switchboard-go/switchboard/internal/hashtab"
)

// ErrNotFound is returned when a profile or record does not exist.
var ErrNotFound = errors.New("identity: not found")

// KeyKind says what a Key indexes.
type KeyKind uint8

// Kinds of index keys.
const (
	KeyPhone KeyKind = iota + 1 // E.164 phone number
	KeyEmail                    // normalized email
	KeyLink                     // channel, scope and id of a Link
	KeyOrder                    // order id
	KeyBlock                    // duplicate-detection blocking key
)

// Key is what a profile is indexed by: the Registry computes a profile's
// keys and hands them to Store.Put; Store.Lookup finds profiles by them.
type Key struct {
	Kind  KeyKind
	Value string
}

// Entry is one index entry: a Key and the Data stored beside it, which
// Lookup returns with the profile id (a covering index). Blocking keys carry
// the profile's normalized names, so duplicate detection filters candidates
// without loading them.
type Entry struct {
	Key
	Data string
}

// Hit is one profile found by Store.Lookup, with the Data of its Entry.
type Hit struct {
	ID   string
	Data string
}

// Store persists profiles, their index keys and the Registry's journals
// (merge records, the review queue, the reveal audit, erasure tombstones).
// The Registry serializes its writes, so a Store needs only per-call
// atomicity. A SQL store maps it onto a profiles table (the Profile as a
// document), a keys table (kind, value, profile id) and one append-only table
// per journal.
//
// Implementations must be safe for concurrent use, must return copies (a
// caller may modify what it gets), and must not keep what they are passed.
type Store interface {
	// Get returns the profile with id, or ErrNotFound.
	Get(ctx context.Context, id string) (*Profile, error)
	// Put inserts or replaces the profile p.ID, whose index entries become
	// exactly entries (an entry repeated is kept once).
	Put(ctx context.Context, p *Profile, entries []Entry) error
	// Delete removes a profile and its keys; a missing id is not an error.
	Delete(ctx context.Context, id string) error
	// Lookup returns the profiles indexed under k, in no order.
	Lookup(ctx context.Context, k Key) ([]Hit, error)
	// Range calls fn for every profile, in no order, until fn returns false.
	// fn may call other Store methods.
	Range(ctx context.Context, fn func(*Profile) bool) error

	// AppendMerge appends a merge or unmerge record.
	AppendMerge(ctx context.Context, r MergeRecord) error
	// Merges returns the records naming profile id as Keep or Dup, oldest
	// first.
	Merges(ctx context.Context, id string) ([]MergeRecord, error)
	// AddReview appends an item to the review queue.
	AddReview(ctx context.Context, r Review) error
	// Reviews returns the review queue, oldest first.
	Reviews(ctx context.Context) ([]Review, error)
	// AppendAccess records that someone revealed a profile's masked fields.
	AppendAccess(ctx context.Context, a Access) error
	// Accesses returns the reveal audit of profile id, oldest first.
	Accesses(ctx context.Context, id string) ([]Access, error)
	// Forget deletes every merge record and review naming any of ids.
	Forget(ctx context.Context, ids []string) error
	// AddTombstone records that the identifier behind hash was erased at at.
	AddTombstone(ctx context.Context, hash string, at time.Time) error
	// Tombstone returns when the identifier behind hash was last erased.
	Tombstone(ctx context.Context, hash string) (at time.Time, ok bool, err error)
}

// MemoryStore is the in-memory Store, indexed by every Key (phone, email,
// link, order, blocking keys). Beside each profile it keeps the masked view
// of the first Registry created on it, and a compact index from links to
// those views, so that Registry.Resolve and Registry.Get return without
// copying (about 650 bytes more a profile: 2.1 → 2.8 GB for a million
// benchmark profiles). The zero value is not usable; call NewMemoryStore.
// It is safe for concurrent use.
type MemoryStore struct {
	mu    sync.RWMutex
	slot  map[string]uint32 // profile id → slot
	recs  []*record         // by slot; nil = free
	keys  [][]Key           // by slot
	free  []uint32
	index map[Key][]posting

	// links maps a 128-bit keyed hash of each link key to the record of
	// the key's first posting: Resolve's path, one cache miss where index
	// costs three or more. The hash stands for the key: two links share one
	// with odds of 2⁻¹²⁸ a pair, the odds of a random UUID repeating. Two
	// keys sharing the first 64 bits (odds 2⁻⁶⁴ a pair) keep one entry, and
	// the other is found through index.
	links hashtab.Table[linkRef]
	seed  maphash.Seed
	// owner is the Registry whose masked views the records keep, the first
	// one created on this store (see adopt).
	owner *Registry

	merges  []MergeRecord
	reviews []Review
	access  []Access
	tombs   map[string]time.Time
}

// record is a stored profile with its masked view. Both are immutable:
// Put replaces the record.
type record struct {
	// id holds the bytes of view.ID when they fit: every caller reads the
	// ID of what Resolve returns, and here that costs no cache miss of its
	// own. The bytes are written once, before the record is published.
	id [40]byte
	// view is p as the owner's Get and Resolve show it, shared by every
	// caller: masked slices are its own, the others share p's. Its ID is
	// empty when the store had no owner at Put.
	view Profile
	p    *Profile
}

// newRecord returns the record of p (which it keeps) with owner's view.
func newRecord(p *Profile, owner *Registry) *record {
	rec := &record{p: p}
	if owner != nil {
		rec.view = owner.view(p)
		if n := copy(rec.id[:], p.ID); n == len(p.ID) && n > 0 {
			rec.view.ID = unsafe.String(&rec.id[0], n)
		}
	}
	return rec
}

// linkRef is a value of MemoryStore.links: the second half of the link
// key's hash and the record.
type linkRef struct {
	h2  uint64
	rec *record
}

type posting struct {
	slot uint32
	data string
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		slot:  make(map[string]uint32),
		index: make(map[Key][]posting),
		tombs: make(map[string]time.Time),
		seed:  maphash.MakeSeed(),
	}
}

// Len returns the number of stored profiles, including merged-away ones.
func (s *MemoryStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.slot)
}

// Get implements Store.
func (s *MemoryStore) Get(ctx context.Context, id string) (*Profile, error) {
	s.mu.RLock()
	i, ok := s.slot[id]
	var rec *record
	if ok {
		rec = s.recs[i]
	}
	s.mu.RUnlock()
	if rec == nil {
		return nil, ErrNotFound
	}
	return rec.p.Clone(), nil
}

// Put implements Store.
func (s *MemoryStore) Put(ctx context.Context, p *Profile, entries []Entry) error {
	if p == nil || p.ID == "" {
		return errors.New("identity: Put needs a profile with an ID")
	}
	c := p.Clone()
	entries = slices.Clone(entries)
	slices.SortFunc(entries, func(a, b Entry) int { return compareKeys(a.Key, b.Key) })
	entries = slices.CompactFunc(entries, func(a, b Entry) bool { return a.Key == b.Key })
	keys := make([]Key, len(entries))
	for j, e := range entries {
		keys[j] = e.Key
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.slot[p.ID]
	if ok {
		s.unindex(i)
	} else {
		if n := len(s.free); n > 0 {
			i, s.free = s.free[n-1], s.free[:n-1]
		} else {
			i = uint32(len(s.recs))
			s.recs = append(s.recs, nil)
			s.keys = append(s.keys, nil)
		}
		s.slot[p.ID] = i
	}
	rec := newRecord(c, s.owner)
	s.recs[i] = rec
	s.keys[i] = keys
	for _, e := range entries {
		s.index[e.Key] = append(s.index[e.Key], posting{slot: i, data: e.Data})
		if e.Kind == KeyLink {
			s.syncLink(e.Key)
		}
	}
	return nil
}

// linkHash is the 128-bit hash of a link key in s.links: two keyed hashes,
// of the key and of the key with a byte appended. h1 is never 0.
func (s *MemoryStore) linkHash(l Link) (h1, h2 uint64) {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.WriteString(string(l.Channel))
	h.WriteByte(0x1f)
	h.WriteString(l.Scope)
	h.WriteByte(0x1f)
	h.WriteString(l.ID)
	h1 = max(h.Sum64(), 1)
	h.WriteByte(0)
	return h1, h.Sum64()
}

// syncLink makes s.links agree with s.index for link key k; s.mu must be
// held for writing.
func (s *MemoryStore) syncLink(k Key) {
	h1, h2 := s.linkHash(linkOfKey(k))
	ps := s.index[k]
	e := s.links.Lookup(h1)
	switch {
	case len(ps) == 0 && e != nil && e.Value.h2 == h2:
		s.links.Remove(h1)
	case len(ps) == 0:
		// Not indexed, or the entry is another key's.
	case e == nil:
		s.links.Insert(h1).Value = linkRef{h2: h2, rec: s.recs[ps[0].slot]}
	default:
		// Taken over from another key sharing h1, if it was one: that
		// key is then found through index.
		e.Value = linkRef{h2: h2, rec: s.recs[ps[0].slot]}
	}
}

// adopt makes r the owner whose masked views the records keep, unless the
// store has one: then it reports false and r reads through the Store
// interface. It computes the views of the profiles already stored.
func (s *MemoryStore) adopt(r *Registry) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.owner != nil {
		return false
	}
	s.owner = r
	for i, rec := range s.recs {
		if rec != nil {
			// Records are immutable: replace, and repoint the link index.
			s.recs[i] = newRecord(rec.p, r)
			for _, k := range s.keys[i] {
				if k.Kind == KeyLink {
					s.syncLink(k)
				}
			}
		}
	}
	return true
}

// viewByLink returns the owner's view of the profile linked to l when the
// link index holds it, or nil: then the caller asks index through Lookup.
func (s *MemoryStore) viewByLink(l Link) *Profile {
	h1, h2 := s.linkHash(l)
	s.mu.RLock()
	var rec *record
	if e := s.links.Lookup(h1); e != nil && e.Value.h2 == h2 {
		rec = e.Value.rec
	}
	s.mu.RUnlock()
	if rec == nil || rec.view.ID == "" {
		return nil
	}
	return &rec.view
}

// viewByID returns the owner's view of profile id, or nil when there is
// none (no such profile, or no owner when it was stored).
func (s *MemoryStore) viewByID(id string) *Profile {
	s.mu.RLock()
	var rec *record
	if i, ok := s.slot[id]; ok {
		rec = s.recs[i]
	}
	s.mu.RUnlock()
	if rec == nil || rec.view.ID == "" {
		return nil
	}
	return &rec.view
}

func compareKeys(a, b Key) int {
	if a.Kind != b.Kind {
		return int(a.Kind) - int(b.Kind)
	}
	switch {
	case a.Value < b.Value:
		return -1
	case a.Value > b.Value:
		return 1
	}
	return 0
}

// unindex removes slot i from the index; s.mu must be held.
func (s *MemoryStore) unindex(i uint32) {
	for _, k := range s.keys[i] {
		ids := s.index[k]
		if j := slices.IndexFunc(ids, func(p posting) bool { return p.slot == i }); j >= 0 {
			ids[j] = ids[len(ids)-1]
			ids = ids[:len(ids)-1]
		}
		if len(ids) == 0 {
			delete(s.index, k)
		} else {
			s.index[k] = ids
		}
		if k.Kind == KeyLink {
			s.syncLink(k)
		}
	}
	s.keys[i] = nil
}

// Delete implements Store.
func (s *MemoryStore) Delete(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.slot[id]
	if !ok {
		return nil
	}
	s.unindex(i)
	s.recs[i] = nil
	delete(s.slot, id)
	s.free = append(s.free, i)
	return nil
}

// Lookup implements Store.
func (s *MemoryStore) Lookup(ctx context.Context, k Key) ([]Hit, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ps := s.index[k]
	if len(ps) == 0 {
		return nil, nil
	}
	hits := make([]Hit, len(ps))
	for j, p := range ps {
		hits[j] = Hit{ID: s.recs[p.slot].p.ID, Data: p.data}
	}
	return hits, nil
}

// eachHit calls fn for every entry under k, under the read lock, without
// copying: the Registry's fast path for duplicate detection. fn must not
// call the store. It returns the number of entries.
func (s *MemoryStore) eachHit(k Key, limit int, fn func(id, data string)) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ps := s.index[k]
	if len(ps) > limit {
		return len(ps)
	}
	for _, p := range ps {
		fn(s.recs[p.slot].p.ID, p.data)
	}
	return len(ps)
}

// each calls fn for every stored profile of a snapshot, without copying:
// the Registry's fast path for Scan. fn must not modify the profile.
func (s *MemoryStore) each(ctx context.Context, fn func(*Profile) bool) error {
	s.mu.RLock()
	snap := make([]*Profile, 0, len(s.slot))
	for _, rec := range s.recs {
		if rec != nil {
			snap = append(snap, rec.p)
		}
	}
	s.mu.RUnlock()
	for n, p := range snap {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if !fn(p) {
			return nil
		}
	}
	return nil
}

// Range implements Store. It iterates over a snapshot taken when it is
// called, without holding a lock while fn runs.
func (s *MemoryStore) Range(ctx context.Context, fn func(*Profile) bool) error {
	s.mu.RLock()
	snap := make([]*Profile, 0, len(s.slot))
	for _, rec := range s.recs {
		if rec != nil {
			snap = append(snap, rec.p)
		}
	}
	s.mu.RUnlock()
	for n, p := range snap {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if !fn(p.Clone()) {
			return nil
		}
	}
	return nil
}

// AppendMerge implements Store.
func (s *MemoryStore) AppendMerge(ctx context.Context, r MergeRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.merges = append(s.merges, r.clone())
	return nil
}

// Merges implements Store.
func (s *MemoryStore) Merges(ctx context.Context, id string) ([]MergeRecord, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []MergeRecord
	for _, r := range s.merges {
		if r.Keep == id || r.Dup == id {
			out = append(out, r.clone())
		}
	}
	return out, nil
}

// AddReview implements Store.
func (s *MemoryStore) AddReview(ctx context.Context, r Review) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.Profiles = slices.Clone(r.Profiles)
	r.Values = slices.Clone(r.Values)
	s.reviews = append(s.reviews, r)
	return nil
}

// Reviews implements Store.
func (s *MemoryStore) Reviews(ctx context.Context) ([]Review, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Review, len(s.reviews))
	for i, r := range s.reviews {
		r.Profiles = slices.Clone(r.Profiles)
		r.Values = slices.Clone(r.Values)
		out[i] = r
	}
	return out, nil
}

// AppendAccess implements Store.
func (s *MemoryStore) AppendAccess(ctx context.Context, a Access) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access = append(s.access, a)
	return nil
}

// Accesses implements Store.
func (s *MemoryStore) Accesses(ctx context.Context, id string) ([]Access, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Access
	for _, a := range s.access {
		if a.ProfileID == id {
			out = append(out, a)
		}
	}
	return out, nil
}

// Forget implements Store.
func (s *MemoryStore) Forget(ctx context.Context, ids []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.merges = slices.DeleteFunc(s.merges, func(r MergeRecord) bool {
		return slices.Contains(ids, r.Keep) || slices.Contains(ids, r.Dup)
	})
	s.reviews = slices.DeleteFunc(s.reviews, func(r Review) bool {
		return slices.ContainsFunc(r.Profiles, func(id string) bool { return slices.Contains(ids, id) })
	})
	return nil
}

// AddTombstone implements Store.
func (s *MemoryStore) AddTombstone(ctx context.Context, hash string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if at.After(s.tombs[hash]) {
		s.tombs[hash] = at
	}
	return nil
}

// Tombstone implements Store.
func (s *MemoryStore) Tombstone(ctx context.Context, hash string) (time.Time, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	at, ok := s.tombs[hash]
	return at, ok, nil
}
