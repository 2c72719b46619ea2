package identity

import "sync"

// PhoneCache remembers the results of NormalizePhone for the most recent
// (raw input, region) pairs, so a returning customer's number is parsed
// once: libphonenumber's parse and validation cost tens of microseconds and
// dozens of allocations, a cache hit one map lookup. It holds at most its
// size entries and forgets the oldest first (a ring of keys beside a map).
// Errors are cached too; they never contain the number.
//
// A PhoneCache is safe for concurrent use. The zero value is not usable;
// call NewPhoneCache.
type PhoneCache struct {
	mu   sync.Mutex
	m    map[phoneKey]phoneResult
	ring []phoneKey
	next int
}

type phoneKey struct{ raw, region string }

type phoneResult struct {
	e164 string
	err  error
}

// NewPhoneCache returns a cache of at most size entries (at least 1).
func NewPhoneCache(size int) *PhoneCache {
	size = max(size, 1)
	return &PhoneCache{m: make(map[phoneKey]phoneResult, size), ring: make([]phoneKey, 0, size)}
}

// Normalize returns NormalizePhone(raw, region), from the cache when it
// holds the pair. Inputs longer than NormalizePhone reads are not cached.
func (c *PhoneCache) Normalize(raw, region string) (string, error) {
	k := phoneKey{raw, region}
	c.mu.Lock()
	res, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return res.e164, res.err
	}
	e, err := NormalizePhone(raw, region)
	if len(raw) > 4*maxPhoneInput {
		return e, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok {
		return e, err // another goroutine stored it meanwhile
	}
	if len(c.ring) < cap(c.ring) {
		c.ring = append(c.ring, k)
	} else {
		delete(c.m, c.ring[c.next])
		c.ring[c.next] = k
		c.next = (c.next + 1) % len(c.ring)
	}
	c.m[k] = phoneResult{e, err}
	return e, err
}

// Len returns the number of cached entries.
func (c *PhoneCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
