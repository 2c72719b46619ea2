package shop

import (
	"sync"
	"time"

	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/channel"
)

// langMemory remembers the language each customer last wrote in, for replies
// that carry no keyword of their own (an order number, a proactive notice).
// Entries expire after ttl without a message; the map is swept as it doubles,
// so memory follows the customers active within ttl, not every customer ever
// seen. Safe for concurrent use.
type langMemory struct {
	ttl time.Duration

	mu        sync.Mutex
	m         map[channel.Address]langEntry
	nextSweep int
}

type langEntry struct {
	tag language.Tag
	at  time.Time
}

func newLangMemory(ttl time.Duration) *langMemory {
	return &langMemory{ttl: ttl, m: make(map[channel.Address]langEntry), nextSweep: 1024}
}

func (l *langMemory) get(a channel.Address, now time.Time) (language.Tag, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.m[a]
	if !ok || now.Sub(e.at) >= l.ttl {
		return language.Und, false
	}
	return e.tag, true
}

func (l *langMemory) set(a channel.Address, t language.Tag, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m[a] = langEntry{tag: t, at: now}
	if len(l.m) < l.nextSweep {
		return
	}
	for k, e := range l.m {
		if now.Sub(e.at) >= l.ttl {
			delete(l.m, k)
		}
	}
	l.nextSweep = max(1024, 2*len(l.m))
}

func (l *langMemory) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}
