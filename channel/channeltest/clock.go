package channeltest

import (
	"sync/atomic"
	"time"
)

// Clock is a settable clock for tests: pass Clock.Now wherever a
// channel.Clock is taken, and Advance it instead of sleeping. Now is a single
// atomic load, so a Clock costs benchmarks next to nothing. It is safe for
// concurrent use.
type Clock struct {
	t atomic.Pointer[time.Time]
}

// NewClock returns a Clock reading t.
func NewClock(t time.Time) *Clock {
	c := &Clock{}
	c.t.Store(&t)
	return c
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return *c.t.Load() }

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	for {
		old := c.t.Load()
		next := old.Add(d)
		if c.t.CompareAndSwap(old, &next) {
			return
		}
	}
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.t.Store(&t) }
