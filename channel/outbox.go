package channel

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"
)

// OutboxState says why a reply sits in an Outbox.
type OutboxState int

const (
	// OutboxUndelivered: the platform refused the reply or it could not be
	// sent (no retry can succeed as is, or retries ran out).
	OutboxUndelivered OutboxState = iota + 1
	// OutboxUnknown: the request may have reached the platform
	// (ErrDeliveryUnknown); reconcile before sending again.
	OutboxUnknown
)

// OutboxEntry is one reply that was not known to be delivered.
type OutboxEntry struct {
	ID      string      // assigned by Put
	Message Message     // the reply as it was sent
	State   OutboxState // why it is here: failed, or unknown (reconcile first)
	Err     string      // the error's text (never a token; recipients masked by the adapters)
	At      time.Time   // when the send failed
}

// Outbox keeps replies that could not be delivered, or whose delivery is
// unknown, so that none is lost silently: the caller lists them, reconciles
// or resends each, and resolves it. store/sqlite, store/postgres and
// store/redis implement it for several instances; MemoryOutbox is the
// default. Implementations must be safe for concurrent use.
type Outbox interface {
	// Put stores e and returns its id.
	Put(ctx context.Context, e OutboxEntry) (string, error)
	// Pending returns up to limit unresolved entries, oldest first.
	Pending(ctx context.Context, limit int) ([]OutboxEntry, error)
	// Resolve removes the entry id; a missing id is not an error.
	Resolve(ctx context.Context, id string) error
}

// OutboxStateOf returns the state a failed send's error puts its reply in.
func OutboxStateOf(err error) OutboxState {
	if errors.Is(err, ErrDeliveryUnknown) {
		return OutboxUnknown
	}
	return OutboxUndelivered
}

// MemoryOutbox is the in-memory Outbox of one process. It is safe for
// concurrent use; the zero value is not usable, call NewMemoryOutbox.
type MemoryOutbox struct {
	mu      sync.Mutex
	next    int
	entries map[string]OutboxEntry
}

// NewMemoryOutbox returns an empty MemoryOutbox.
func NewMemoryOutbox() *MemoryOutbox { return &MemoryOutbox{entries: map[string]OutboxEntry{}} }

// Put implements Outbox. It never fails.
func (o *MemoryOutbox) Put(_ context.Context, e OutboxEntry) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.next++
	e.ID = strconv.Itoa(o.next)
	o.entries[e.ID] = e
	return e.ID, nil
}

// Pending implements Outbox. It never fails.
func (o *MemoryOutbox) Pending(_ context.Context, limit int) ([]OutboxEntry, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]OutboxEntry, 0, len(o.entries))
	for _, e := range o.entries {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b OutboxEntry) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		ai, _ := strconv.Atoi(a.ID)
		bi, _ := strconv.Atoi(b.ID)
		return ai - bi
	})
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Resolve implements Outbox. It never fails.
func (o *MemoryOutbox) Resolve(_ context.Context, id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.entries, id)
	return nil
}
