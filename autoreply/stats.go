package autoreply

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// maxMissTexts bounds the distinct miss texts kept; maxMissBytes bounds each.
const (
	maxMissTexts = 1000
	maxMissBytes = 256
)

// RuleStats are the counters of one rule. A plain value.
type RuleStats struct {
	Rule string // the rule's Name
	// Triggered counts the messages that triggered the rule by its
	// keywords (a two-step rule's Ask and its final Reply count once).
	Triggered int64
	// HandedOff counts those answers followed, in the same conversation, by
	// a hand-off to a person.
	HandedOff int64
}

// FailureRate is HandedOff / Triggered, the "trigger failure rate": a rule
// whose rate stays above 0.2 needs revising. It is 0 when the rule never
// triggered.
func (r RuleStats) FailureRate() float64 {
	if r.Triggered == 0 {
		return 0
	}
	return float64(r.HandedOff) / float64(r.Triggered)
}

// Miss is a normalized message that matched no rule, with how often it came.
// A plain value.
type Miss struct {
	Text  string // normalized; cut to 256 bytes at a rune boundary
	Count int64  // how many messages had this text
}

// StatsSnapshot is a copy of the engine's counters at one moment, the
// caller's own: safe to read from any goroutine. Counters are read one by
// one while Decide may run, so the totals of a snapshot taken under load may
// differ by the messages in flight.
type StatsSnapshot struct {
	// Messages counts the messages Decide answered, missed or handed off
	// (not Quiet ones, nor those with no text to match).
	Messages int64
	Rules    []RuleStats // in rule order
	// Misses holds the most frequent miss texts first (ties by text); at
	// most 1,000 distinct texts are kept, later new ones are only counted
	// in MissesTotal.
	Misses []Miss
	// MissesTotal counts every missed message, kept in Misses or not.
	MissesTotal int64
	// Hand-offs by reason.
	HandoffsRequested, HandoffsRepeated, HandoffsMisses int64
}

// stats holds the live counters; safe for concurrent use.
type stats struct {
	messages  atomic.Int64
	triggered []atomic.Int64
	handedOff []atomic.Int64
	handoffs  [4]atomic.Int64 // by HandoffReason
	missTotal atomic.Int64

	mu     sync.Mutex
	misses map[string]int64
}

func newStats(rules int) *stats {
	return &stats{
		triggered: make([]atomic.Int64, rules),
		handedOff: make([]atomic.Int64, rules),
		misses:    make(map[string]int64),
	}
}

func (s *stats) miss(text string) {
	s.missTotal.Add(1)
	if len(text) > maxMissBytes {
		cut := maxMissBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.misses[text]; ok || len(s.misses) < maxMissTexts {
		s.misses[text]++
	}
}

func (s *stats) snapshot(rules []compiledRule) StatsSnapshot {
	snap := StatsSnapshot{
		Messages:          s.messages.Load(),
		Rules:             make([]RuleStats, len(rules)),
		MissesTotal:       s.missTotal.Load(),
		HandoffsRequested: s.handoffs[Requested].Load(),
		HandoffsRepeated:  s.handoffs[Repeated].Load(),
		HandoffsMisses:    s.handoffs[Misses].Load(),
	}
	for i, r := range rules {
		snap.Rules[i] = RuleStats{Rule: r.Name, Triggered: s.triggered[i].Load(), HandedOff: s.handedOff[i].Load()}
	}
	s.mu.Lock()
	snap.Misses = make([]Miss, 0, len(s.misses))
	for t, n := range s.misses {
		snap.Misses = append(snap.Misses, Miss{Text: t, Count: n})
	}
	s.mu.Unlock()
	slices.SortFunc(snap.Misses, func(a, b Miss) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Text, b.Text)) // most frequent first
	})
	return snap
}
