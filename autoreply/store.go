package autoreply

import (
	"context"
	"maps"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Conversation is the engine's state for one customer on one channel. A
// plain value; stores must copy Triggered rather than share it.
type Conversation struct {
	// Await is the extractor whose value the engine asked for ("" = none).
	Await string
	// AwaitRule is the name of the rule that asked ("" = none).
	AwaitRule string
	// LastQuestion is a hash (64-bit FNV-1a) of the previous message's
	// normalized text without surrounding punctuation (0 = none), to spot
	// the same question asked twice in a row.
	LastQuestion uint64
	// Misses counts consecutive messages the engine could not answer.
	Misses int
	// HandedOff is set once the conversation went to a person; the engine
	// stays quiet until Engine.Release.
	HandedOff bool
	// Triggered counts, per rule name, the answers given in this
	// conversation, charged to the rules' hand-off counts on a hand-off.
	Triggered map[string]int
}

// StateStore keeps Conversations between messages. Implementations must be
// safe for concurrent use; the Engine serializes calls for one Address
// within one process.
type StateStore interface {
	// Load returns the conversation of a, if it exists and had not expired
	// at now.
	Load(ctx context.Context, a channel.Address, now time.Time) (Conversation, bool, error)
	// Save stores c for a until expires.
	Save(ctx context.Context, a channel.Address, c Conversation, expires time.Time) error
	// Delete forgets a's conversation; deleting a missing one is not an error.
	Delete(ctx context.Context, a channel.Address) error
}

// MemoryStore is the default StateStore: a map in memory, with each entry
// expiring at the time given to Save. Whenever the map has doubled since the
// last sweep, Save drops the entries expired by the store's clock, so memory
// stays proportional to the live conversations. Safe for concurrent use; the
// zero value is not usable, call NewMemoryStore.
type MemoryStore struct {
	clock     channel.Clock
	mu        sync.Mutex
	m         map[channel.Address]memoryEntry
	nextSweep int
}

type memoryEntry struct {
	c       Conversation
	expires time.Time
}

// NewMemoryStore returns an empty MemoryStore that sweeps expired entries by
// clock (nil = time.Now).
func NewMemoryStore(clock channel.Clock) *MemoryStore {
	return &MemoryStore{clock: clock, m: make(map[channel.Address]memoryEntry), nextSweep: 1024}
}

// Load implements StateStore. It never returns an error.
func (s *MemoryStore) Load(_ context.Context, a channel.Address, now time.Time) (Conversation, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[a]
	if !ok || !now.Before(e.expires) {
		return Conversation{}, false, nil
	}
	c := e.c
	c.Triggered = maps.Clone(c.Triggered)
	return c, true, nil
}

// Save implements StateStore. It never returns an error.
func (s *MemoryStore) Save(_ context.Context, a channel.Address, c Conversation, expires time.Time) error {
	c.Triggered = maps.Clone(c.Triggered)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[a] = memoryEntry{c: c, expires: expires}
	if len(s.m) >= s.nextSweep {
		s.sweep()
	}
	return nil
}

// sweep drops the entries expired by the store's clock.
func (s *MemoryStore) sweep() {
	now := time.Now()
	if s.clock != nil {
		now = s.clock()
	}
	for a, e := range s.m {
		if !now.Before(e.expires) {
			delete(s.m, a)
		}
	}
	s.nextSweep = 2*len(s.m) + 1024
}

// Delete implements StateStore. It never returns an error.
func (s *MemoryStore) Delete(_ context.Context, a channel.Address) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, a)
	return nil
}

// Len returns the number of stored conversations, expired or not.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
