package identity

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"
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
	KeyBlock                    // duplicate-detection blocking key (phone prefix, SKU period, address)
)

// Key is what a profile is indexed by: the Registry computes a profile's
// keys and hands them to KeyStore.SetKeys; KeyStore.Lookup finds profiles by
// them.
type Key struct {
	Kind  KeyKind // what Value is
	Value string  // the normalized identifier ("+85291234567") or blocking key
}

// Entry is one index entry: a Key and the Data stored beside it, which
// Lookup returns with the profile id (a covering index). Blocking keys carry
// the profile's normalized names joined by "\x1f", so duplicate detection
// filters candidates without loading them.
type Entry struct {
	Key
	Data string // returned with the profile id by Lookup; may be empty
}

// Hit is one profile found by KeyStore.Lookup, with the Data of its Entry.
type Hit struct {
	ID   string // the profile's id
	Data string // the Data of the Entry found
}

// The Registry keeps its state behind the small interfaces below, so that a
// backend implements what it needs (a SQL table each) and the rest stays in
// memory. The Registry serializes its writes, so each needs only per-call
// atomicity. Every method takes plain values and returns copies: a caller
// may modify what it gets, and an implementation must not keep what it is
// passed. Implementations must be safe for concurrent use.

// ProfileStore keeps profiles as documents, by id.
type ProfileStore interface {
	// GetProfile returns the profile with id, or ErrNotFound.
	GetProfile(ctx context.Context, id string) (*Profile, error)
	// PutProfile inserts or replaces the profile p.ID.
	PutProfile(ctx context.Context, p *Profile) error
	// DeleteProfile removes a profile; a missing id is not an error.
	DeleteProfile(ctx context.Context, id string) error
	// ListProfiles returns up to limit (> 0) profiles whose id is greater
	// than after, in ascending id order (SQL: WHERE id > $1 ORDER BY id
	// LIMIT $2).
	ListProfiles(ctx context.Context, after string, limit int) ([]*Profile, error)
}

// KeyStore is the index of profiles by Key: links, phones, emails, order
// numbers and blocking keys (SQL: a table of kind, value, profile id, data).
type KeyStore interface {
	// SetKeys makes entries exactly the index entries of profile id (an
	// entry repeated is kept once); nil or empty removes them all.
	SetKeys(ctx context.Context, id string, entries []Entry) error
	// Lookup returns the profiles indexed under k, in no particular order;
	// at most limit of them when limit > 0 (SQL: LIMIT), all otherwise.
	Lookup(ctx context.Context, k Key, limit int) ([]Hit, error)
}

// MergeJournal is the append-only journal of merges and unmerges.
type MergeJournal interface {
	// AppendMerge appends a merge or unmerge record.
	AppendMerge(ctx context.Context, r MergeRecord) error
	// Merges returns the records naming profile id as Keep or Dup, oldest
	// first.
	Merges(ctx context.Context, id string) ([]MergeRecord, error)
	// ForgetMerges deletes every record naming any of ids (erasure).
	ForgetMerges(ctx context.Context, ids []string) error
}

// ReviewQueue is the queue of items a person should look at.
type ReviewQueue interface {
	// AddReview appends an item to the review queue.
	AddReview(ctx context.Context, r Review) error
	// Reviews returns the review queue, oldest first.
	Reviews(ctx context.Context) ([]Review, error)
	// ForgetReviews deletes every item naming any of ids (erasure).
	ForgetReviews(ctx context.Context, ids []string) error
}

// AuditLog records who revealed a profile's masked fields, and why.
type AuditLog interface {
	// AppendAccess records one reveal.
	AppendAccess(ctx context.Context, a Access) error
	// Accesses returns the reveal audit of profile id, oldest first.
	Accesses(ctx context.Context, id string) ([]Access, error)
}

// Tombstones keeps one-way hashes of erased identifiers, so that a replay
// of old events cannot bring erased data back.
type Tombstones interface {
	// AddTombstone records that the identifier behind hash was erased at at.
	AddTombstone(ctx context.Context, hash string, at time.Time) error
	// Tombstone returns when the identifier behind hash was last erased.
	Tombstone(ctx context.Context, hash string) (at time.Time, ok bool, err error)
}

// Store is every state interface of the Registry in one, as MemoryStore
// implements it. Config takes each part separately as well.
type Store interface {
	ProfileStore
	KeyStore
	MergeJournal
	ReviewQueue
	AuditLog
	Tombstones
	ThreadStore
}

// MemoryStore is the in-memory Store: maps guarded by one RWMutex. Every
// method copies what it keeps and what it returns. The zero value is not
// usable; call NewMemoryStore. It is safe for concurrent use.
type MemoryStore struct {
	mu       sync.RWMutex
	profiles map[string]*Profile
	ids      []string // the keys of profiles, sorted when !dirty
	dirty    bool
	keys     map[string][]Key // profile id → its keys
	index    map[Key]map[string]string
	merges   []MergeRecord
	reviews  []Review
	access   []Access
	tombs    map[string]time.Time
	thread   map[string][]ThreadMessage // profile id → messages, sorted by (At, ID)
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		profiles: make(map[string]*Profile),
		keys:     make(map[string][]Key),
		index:    make(map[Key]map[string]string),
		tombs:    make(map[string]time.Time),
		thread:   make(map[string][]ThreadMessage),
	}
}

// Len returns the number of stored profiles, including merged-away ones.
func (s *MemoryStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.profiles)
}

// GetProfile implements ProfileStore.
func (s *MemoryStore) GetProfile(ctx context.Context, id string) (*Profile, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.profiles[id]
	if !ok {
		return nil, ErrNotFound
	}
	return p.Clone(), nil
}

// PutProfile implements ProfileStore.
func (s *MemoryStore) PutProfile(ctx context.Context, p *Profile) error {
	if p == nil || p.ID == "" {
		return errors.New("identity: PutProfile needs a profile with an ID")
	}
	c := p.Clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.profiles[c.ID]; !ok {
		s.ids = append(s.ids, c.ID)
		s.dirty = true
	}
	s.profiles[c.ID] = c
	return nil
}

// DeleteProfile implements ProfileStore.
func (s *MemoryStore) DeleteProfile(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.profiles[id]; ok {
		delete(s.profiles, id)
		s.ids = slices.DeleteFunc(s.ids, func(x string) bool { return x == id })
	}
	return nil
}

// ListProfiles implements ProfileStore.
func (s *MemoryStore) ListProfiles(ctx context.Context, after string, limit int) ([]*Profile, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dirty {
		slices.Sort(s.ids)
		s.dirty = false
	}
	i, found := slices.BinarySearch(s.ids, after)
	if found {
		i++
	}
	ids := s.ids[i:]
	ids = ids[:min(len(ids), max(limit, 0))]
	out := make([]*Profile, len(ids))
	for j, id := range ids {
		out[j] = s.profiles[id].Clone()
	}
	return out, nil
}

// SetKeys implements KeyStore.
func (s *MemoryStore) SetKeys(ctx context.Context, id string, entries []Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.keys[id] {
		m := s.index[k]
		delete(m, id)
		if len(m) == 0 {
			delete(s.index, k)
		}
	}
	delete(s.keys, id)
	if len(entries) == 0 {
		return nil
	}
	keys := make([]Key, 0, len(entries))
	for _, e := range entries {
		m := s.index[e.Key]
		if m == nil {
			m = make(map[string]string, 1)
			s.index[e.Key] = m
		}
		if _, dup := m[id]; dup {
			continue
		}
		m[id] = e.Data
		keys = append(keys, e.Key)
	}
	s.keys[id] = keys
	return nil
}

// Lookup implements KeyStore.
func (s *MemoryStore) Lookup(ctx context.Context, k Key, limit int) ([]Hit, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m := s.index[k]
	if len(m) == 0 {
		return nil, nil
	}
	hits := make([]Hit, 0, len(m))
	for id, data := range m {
		hits = append(hits, Hit{ID: id, Data: data})
	}
	slices.SortFunc(hits, func(a, b Hit) int { return strings.Compare(a.ID, b.ID) })
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

// AppendMerge implements MergeJournal.
func (s *MemoryStore) AppendMerge(ctx context.Context, r MergeRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.merges = append(s.merges, r.clone())
	return nil
}

// Merges implements MergeJournal.
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

// ForgetMerges implements MergeJournal.
func (s *MemoryStore) ForgetMerges(ctx context.Context, ids []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.merges = slices.DeleteFunc(s.merges, func(r MergeRecord) bool {
		return slices.Contains(ids, r.Keep) || slices.Contains(ids, r.Dup)
	})
	return nil
}

// AddReview implements ReviewQueue.
func (s *MemoryStore) AddReview(ctx context.Context, r Review) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reviews = append(s.reviews, r.clone())
	return nil
}

// Reviews implements ReviewQueue.
func (s *MemoryStore) Reviews(ctx context.Context) ([]Review, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Review, len(s.reviews))
	for i, r := range s.reviews {
		out[i] = r.clone()
	}
	return out, nil
}

// ForgetReviews implements ReviewQueue.
func (s *MemoryStore) ForgetReviews(ctx context.Context, ids []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reviews = slices.DeleteFunc(s.reviews, func(r Review) bool {
		return slices.ContainsFunc(r.Profiles, func(id string) bool { return slices.Contains(ids, id) })
	})
	return nil
}

// AppendAccess implements AuditLog.
func (s *MemoryStore) AppendAccess(ctx context.Context, a Access) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access = append(s.access, a)
	return nil
}

// Accesses implements AuditLog.
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

// AddTombstone implements Tombstones.
func (s *MemoryStore) AddTombstone(ctx context.Context, hash string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if at.After(s.tombs[hash]) {
		s.tombs[hash] = at
	}
	return nil
}

// Tombstone implements Tombstones.
func (s *MemoryStore) Tombstone(ctx context.Context, hash string) (time.Time, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	at, ok := s.tombs[hash]
	return at, ok, nil
}
