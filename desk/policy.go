package desk

import (
	"fmt"
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/width"
)

// PhraseAction is what a matching phrase does to a reply.
type PhraseAction int

// Phrase actions.
const (
	// Flag lets the reply go and records the phrase in the audit.
	Flag PhraseAction = iota
	// Block refuses the reply.
	Block
)

// PhraseRule is one phrase the shop does not want promised.
type PhraseRule struct {
	// Phrase is the words to look for, matched case- and width-insensitively
	// with spaces collapsed ("lifetime free upgrade"); it must not be blank.
	Phrase string
	// Action is what a match does; the zero value is Flag.
	Action PhraseAction
	// Reason is shown to the agent ("we cannot promise upgrades").
	Reason string
}

// PhrasePolicy checks agents' replies for phrases that promise what the shop
// cannot keep. Matching ignores case, width (full-width Latin) and runs of
// spaces. A PhrasePolicy is immutable and safe for concurrent use.
type PhrasePolicy struct {
	rules []PhraseRule
	norm  []string
}

// NewPhrasePolicy compiles rules; an empty phrase is ErrInvalid.
func NewPhrasePolicy(rules []PhraseRule) (*PhrasePolicy, error) {
	p := &PhrasePolicy{}
	for _, r := range rules {
		n := normalizePhrase(r.Phrase)
		if n == "" {
			return nil, fmt.Errorf("%w: empty phrase", ErrInvalid)
		}
		p.rules = append(p.rules, r)
		p.norm = append(p.norm, n)
	}
	return p, nil
}

// DefaultPhrasePolicy blocks the classic promises a shop cannot keep
// ("lifetime free upgrade", "guaranteed refund") and flags softer ones.
func DefaultPhrasePolicy() *PhrasePolicy {
	p, _ := NewPhrasePolicy([]PhraseRule{
		{Phrase: "lifetime free upgrade", Action: Block, Reason: "no upgrade programme exists"},
		{Phrase: "lifetime warranty", Action: Block, Reason: "warranty is 12 months"},
		{Phrase: "guaranteed refund", Action: Block, Reason: "refunds follow the returns policy"},
		{Phrase: "100% refund", Action: Flag, Reason: "check the returns policy"},
		{Phrase: "i promise", Action: Flag, Reason: "avoid personal promises"},
	})
	return p
}

func normalizePhrase(s string) string {
	s = width.Fold.String(s)
	s = cases.Fold().String(s)
	return strings.Join(strings.Fields(s), " ")
}

// Check returns whether text is blocked and every rule it matched.
func (p *PhrasePolicy) Check(text string) (blocked bool, hits []PhraseRule) {
	if p == nil {
		return false, nil
	}
	n := normalizePhrase(text)
	for i, r := range p.rules {
		if strings.Contains(n, p.norm[i]) {
			hits = append(hits, r)
			blocked = blocked || r.Action == Block
		}
	}
	return blocked, hits
}

// Rules returns a copy of the policy's rules.
func (p *PhrasePolicy) Rules() []PhraseRule {
	if p == nil {
		return nil
	}
	return append([]PhraseRule(nil), p.rules...)
}
