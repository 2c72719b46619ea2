package autoreply

import (
	"context"
	"fmt"
	"sync"
)

// StatsStore accumulates rule statistics across instances and restarts: each
// instance's Engine counts in memory (Decide never waits for a store), and a
// StatsFlusher adds what was counted since its last flush. store/sqlite,
// store/postgres and store/redis implement it. Implementations must be safe
// for concurrent use.
type StatsStore interface {
	// AddStats adds every counter of d to the stored totals (Rules by
	// name, Misses by text).
	AddStats(ctx context.Context, d StatsSnapshot) error
	// LoadStats returns the stored totals: Rules sorted by name, Misses by
	// count (most first, ties by text).
	LoadStats(ctx context.Context) (StatsSnapshot, error)
}

// StatsFlusher adds an Engine's counters to a StatsStore as deltas. Call
// Flush periodically (e.g. every minute) and at shutdown. Safe for
// concurrent use: flushes are serialized.
type StatsFlusher struct {
	engine *Engine
	store  StatsStore
	mu     sync.Mutex
	last   StatsSnapshot
}

// NewStatsFlusher returns a flusher of e's counters into s, starting from
// zero.
func NewStatsFlusher(e *Engine, s StatsStore) *StatsFlusher {
	return &StatsFlusher{engine: e, store: s}
}

// Flush adds what e counted since the last successful Flush. When the store
// fails, nothing is lost: the next Flush adds it.
func (f *StatsFlusher) Flush(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.engine.Stats()
	d := now.Sub(f.last)
	if d.IsZero() {
		return nil
	}
	if err := f.store.AddStats(ctx, d); err != nil {
		return fmt.Errorf("autoreply: flush stats: %w", err)
	}
	f.last = now
	return nil
}

// Sub returns the counters of s minus those of prev (an earlier snapshot of
// the same engine): Rules and Misses that did not change are left out.
func (s StatsSnapshot) Sub(prev StatsSnapshot) StatsSnapshot {
	d := StatsSnapshot{
		Messages:          s.Messages - prev.Messages,
		MissesTotal:       s.MissesTotal - prev.MissesTotal,
		HandoffsRequested: s.HandoffsRequested - prev.HandoffsRequested,
		HandoffsRepeated:  s.HandoffsRepeated - prev.HandoffsRepeated,
		HandoffsMisses:    s.HandoffsMisses - prev.HandoffsMisses,
	}
	before := make(map[string]RuleStats, len(prev.Rules))
	for _, r := range prev.Rules {
		before[r.Rule] = r
	}
	for _, r := range s.Rules {
		p := before[r.Rule]
		if r.Triggered != p.Triggered || r.HandedOff != p.HandedOff {
			d.Rules = append(d.Rules, RuleStats{Rule: r.Rule, Triggered: r.Triggered - p.Triggered, HandedOff: r.HandedOff - p.HandedOff})
		}
	}
	missed := make(map[string]int64, len(prev.Misses))
	for _, m := range prev.Misses {
		missed[m.Text] = m.Count
	}
	for _, m := range s.Misses {
		if n := m.Count - missed[m.Text]; n != 0 {
			d.Misses = append(d.Misses, Miss{Text: m.Text, Count: n})
		}
	}
	return d
}

// IsZero reports whether s holds no counts.
func (s StatsSnapshot) IsZero() bool {
	return s.Messages == 0 && s.MissesTotal == 0 && s.HandoffsRequested == 0 && s.HandoffsRepeated == 0 &&
		s.HandoffsMisses == 0 && len(s.Rules) == 0 && len(s.Misses) == 0
}
