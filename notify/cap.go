package notify

import (
	"context"
	"sync"
	"time"
)

// CapStore enforces the frequency cap: at most one capped notice per
// customer per period. Take must be atomic (check and record in one step),
// so that planners on several instances sharing a store never let two
// notices through for one customer.
//
// Implementations must be safe for concurrent use.
type CapStore interface {
	// Take records a capped send to customer at now if none was recorded
	// within period before now, and reports true. Otherwise it records
	// nothing and reports false with the time the cap frees.
	Take(ctx context.Context, customer string, now time.Time, period time.Duration) (ok bool, next time.Time, err error)
}

// MemoryCapStore is the in-memory CapStore of one instance. Memory grows
// with the customers capped within the longest period; entries older than
// the period are forgotten as new ones arrive. It is safe for concurrent
// use.
type MemoryCapStore struct {
	mu    sync.Mutex
	last  map[string]time.Time
	sweep int
}

// NewMemoryCapStore returns an empty MemoryCapStore.
func NewMemoryCapStore() *MemoryCapStore {
	return &MemoryCapStore{last: map[string]time.Time{}, sweep: 1024}
}

// Take implements CapStore. It never fails.
func (s *MemoryCapStore) Take(_ context.Context, customer string, now time.Time, period time.Duration) (bool, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if last, ok := s.last[customer]; ok && now.Before(last.Add(period)) {
		return false, last.Add(period), nil
	}
	if len(s.last) >= s.sweep {
		for k, t := range s.last {
			if !now.Before(t.Add(period)) {
				delete(s.last, k)
			}
		}
		s.sweep = max(1024, 2*len(s.last))
	}
	s.last[customer] = now
	return true, time.Time{}, nil
}
