package failover

import (
	"context"
	"sync"
)

// MemoryBus is an in-process Bus: the Transports of several simulated
// instances in one test share one. It is safe for concurrent use.
type MemoryBus struct {
	mu   sync.Mutex
	subs map[string][]chan string
}

// NewMemoryBus returns an empty MemoryBus.
func NewMemoryBus() *MemoryBus { return &MemoryBus{subs: map[string][]chan string{}} }

// Publish implements Bus. It never blocks on a slow subscriber for long:
// each subscriber has a buffer of 16 announcements, and a full one misses
// the oldest (the latest announcement is what matters).
func (b *MemoryBus) Publish(_ context.Context, group, name string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.subs[group] {
		select {
		case c <- name:
		default:
			select {
			case <-c:
			default:
			}
			c <- name
		}
	}
	return nil
}

// Subscribe implements Bus; it returns when ctx ends.
func (b *MemoryBus) Subscribe(ctx context.Context, group string, f func(string)) error {
	c := make(chan string, 16)
	b.mu.Lock()
	b.subs[group] = append(b.subs[group], c)
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		subs := b.subs[group]
		for i, s := range subs {
			if s == c {
				b.subs[group] = append(subs[:i], subs[i+1:]...)
				break
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case name := <-c:
			f(name)
		}
	}
}

// Subscribers returns how many subscriptions group has (for tests that
// wait until every instance listens).
func (b *MemoryBus) Subscribers(group string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs[group])
}
