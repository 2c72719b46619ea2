// Package statrows turns autoreply.StatsSnapshot into (kind, name, count)
// rows and back, the shape every backend stores rule statistics in.
package statrows

import (
	"cmp"
	"slices"
	"strings"

	"github.com/switchboard-go/switchboard/autoreply"
)

// Row kinds.
const (
	Messages          = "messages"
	MissesTotal       = "misses_total"
	HandoffsRequested = "handoffs_requested"
	HandoffsRepeated  = "handoffs_repeated"
	HandoffsMisses    = "handoffs_misses"
	Triggered         = "triggered"  // Name is the rule
	HandedOff         = "handed_off" // Name is the rule
	Miss              = "miss"       // Name is the miss text
)

// Row is one counter.
type Row struct {
	Kind, Name string
	N          int64
}

// Rows returns the non-zero counters of s.
func Rows(s autoreply.StatsSnapshot) []Row {
	var out []Row
	add := func(kind, name string, n int64) {
		if n != 0 {
			out = append(out, Row{kind, name, n})
		}
	}
	add(Messages, "", s.Messages)
	add(MissesTotal, "", s.MissesTotal)
	add(HandoffsRequested, "", s.HandoffsRequested)
	add(HandoffsRepeated, "", s.HandoffsRepeated)
	add(HandoffsMisses, "", s.HandoffsMisses)
	for _, r := range s.Rules {
		add(Triggered, r.Rule, r.Triggered)
		add(HandedOff, r.Rule, r.HandedOff)
	}
	for _, m := range s.Misses {
		add(Miss, m.Text, m.Count)
	}
	return out
}

// Snapshot builds the totals of rows: Rules sorted by name, Misses by count
// (most first, ties by text). Unknown kinds are ignored.
func Snapshot(rows []Row) autoreply.StatsSnapshot {
	var s autoreply.StatsSnapshot
	rules := map[string]*autoreply.RuleStats{}
	rule := func(name string) *autoreply.RuleStats {
		r, ok := rules[name]
		if !ok {
			r = &autoreply.RuleStats{Rule: name}
			rules[name] = r
		}
		return r
	}
	for _, r := range rows {
		switch r.Kind {
		case Messages:
			s.Messages += r.N
		case MissesTotal:
			s.MissesTotal += r.N
		case HandoffsRequested:
			s.HandoffsRequested += r.N
		case HandoffsRepeated:
			s.HandoffsRepeated += r.N
		case HandoffsMisses:
			s.HandoffsMisses += r.N
		case Triggered:
			rule(r.Name).Triggered += r.N
		case HandedOff:
			rule(r.Name).HandedOff += r.N
		case Miss:
			s.Misses = append(s.Misses, autoreply.Miss{Text: r.Name, Count: r.N})
		}
	}
	for _, r := range rules {
		s.Rules = append(s.Rules, *r)
	}
	slices.SortFunc(s.Rules, func(a, b autoreply.RuleStats) int { return strings.Compare(a.Rule, b.Rule) })
	slices.SortFunc(s.Misses, func(a, b autoreply.Miss) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Text, b.Text))
	})
	return s
}
