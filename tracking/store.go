package tracking

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Watch is one shipment the Poller watches, as persisted in a WatchStore.
type Watch struct {
	// Carrier is the carrier to ask.
	Carrier Carrier
	// Number is the tracking number, normalized (see Normalize).
	Number string
	// Ref is the caller's reference (an order id, a conversation), echoed
	// in every Change.
	Ref string
	// Shipment is the last successful answer, nil before the first one.
	Shipment *Shipment
	// Stale is the last stale verdict.
	Stale Staleness
	// NextPoll is when the shipment is due again.
	NextPoll time.Time
	// Done is set once the shipment reached a terminal status: it is kept
	// (to answer questions) but never polled again.
	Done bool
	// Failures counts consecutive failed polls (not-found excluded).
	Failures int
	// LastError is the last failure's message, empty after a success.
	LastError string
	// Added is when the shipment was first watched.
	Added time.Time
}

// WatchStore persists what the Poller watches. Implementations must be safe
// for concurrent use. Keys are (Carrier, Number).
type WatchStore interface {
	// Save inserts or replaces w.
	Save(ctx context.Context, w Watch) error
	// Load returns the watch for (carrier, number); ok is false when there
	// is none.
	Load(ctx context.Context, carrier Carrier, number string) (w Watch, ok bool, err error)
	// Delete removes the watch; deleting a missing one is not an error.
	Delete(ctx context.Context, carrier Carrier, number string) error
	// Due returns up to max watches (0 = all) that are not Done and whose
	// NextPoll is not after now, earliest first.
	Due(ctx context.Context, now time.Time, max int) ([]Watch, error)
}

type watchKey struct {
	carrier Carrier
	number  string
}

// MemoryStore is the in-memory WatchStore, the Poller's default. Due scans
// every watch (O(n)), which is fine up to hundreds of thousands of shipments;
// beyond that, or to survive restarts, implement WatchStore on a database.
// Safe for concurrent use. The zero value is not usable; call
// NewMemoryStore.
type MemoryStore struct {
	mu      sync.RWMutex
	watches map[watchKey]Watch
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{watches: map[watchKey]Watch{}} }

// Save implements WatchStore. The shipment is copied, so the caller may keep
// using its own.
func (m *MemoryStore) Save(_ context.Context, w Watch) error {
	w.Shipment = w.Shipment.Clone()
	m.mu.Lock()
	m.watches[watchKey{w.Carrier, w.Number}] = w
	m.mu.Unlock()
	return nil
}

// Load implements WatchStore; the returned shipment is a copy.
func (m *MemoryStore) Load(_ context.Context, carrier Carrier, number string) (Watch, bool, error) {
	m.mu.RLock()
	w, ok := m.watches[watchKey{carrier, number}]
	m.mu.RUnlock()
	w.Shipment = w.Shipment.Clone()
	return w, ok, nil
}

// Delete implements WatchStore.
func (m *MemoryStore) Delete(_ context.Context, carrier Carrier, number string) error {
	m.mu.Lock()
	delete(m.watches, watchKey{carrier, number})
	m.mu.Unlock()
	return nil
}

// Due implements WatchStore.
func (m *MemoryStore) Due(_ context.Context, now time.Time, max int) ([]Watch, error) {
	m.mu.RLock()
	var due []Watch
	for _, w := range m.watches {
		if !w.Done && !w.NextPoll.After(now) {
			due = append(due, w)
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(due, func(a, b Watch) int {
		if c := a.NextPoll.Compare(b.NextPoll); c != 0 {
			return c
		}
		if a.Carrier != b.Carrier {
			return compareStrings(string(a.Carrier), string(b.Carrier))
		}
		return compareStrings(a.Number, b.Number)
	})
	if max > 0 && len(due) > max {
		due = due[:max]
	}
	for i := range due {
		due[i].Shipment = due[i].Shipment.Clone()
	}
	return due, nil
}

// Len returns the number of watches.
func (m *MemoryStore) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.watches)
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
