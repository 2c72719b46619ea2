package files

import (
	"sort"
	"sync"
	"time"
)

// Counts counts document requests per kind and ISO week, and flags a kind
// requested more than Threshold times in a week (a sign to improve the
// template or add a quick action). It is safe for concurrent use.
type Counts struct {
	// Threshold is the weekly count above which a kind is flagged; 0
	// means 50.
	Threshold int

	mu sync.Mutex
	n  map[weekKind]int
}

type weekKind struct {
	year, week int
	kind       string
}

// KindCount is one kind's requests in one week.
type KindCount struct {
	Kind       string // Document.Kind, e.g. "invoice"
	Year, Week int    // ISO year and week
	Requests   int    // how many requests Add counted in that week
	// Flagged is Requests > Threshold.
	Flagged bool
}

// Add counts one request for kind at t.
func (c *Counts) Add(kind string, t time.Time) {
	y, w := t.ISOWeek()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[weekKind]int{}
	}
	c.n[weekKind{y, w, kind}]++
}

// Week returns every kind's count in the ISO week of t, most requested
// first.
func (c *Counts) Week(t time.Time) []KindCount {
	y, w := t.ISOWeek()
	limit := c.Threshold
	if limit <= 0 {
		limit = 50
	}
	c.mu.Lock()
	var out []KindCount
	for k, n := range c.n {
		if k.year == y && k.week == w {
			out = append(out, KindCount{Kind: k.kind, Year: y, Week: w, Requests: n, Flagged: n > limit})
		}
	}
	c.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Requests != out[j].Requests {
			return out[i].Requests > out[j].Requests
		}
		return out[i].Kind < out[j].Kind
	})
	return out
}
