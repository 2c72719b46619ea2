package autoreply

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// Rule is one FAQ answer and the keywords that trigger it. Plain data, not
// safe for concurrent mutation; New copies it.
type Rule struct {
	// Name identifies the rule in decisions, stats and errors; unique.
	Name string
	// Priority orders conflicting rules: higher wins (see Engine.Decide).
	Priority int
	// Tags are inquiry types ("shipping_status"); Tags[0] is the rule's
	// intent label, reported as Decision.Intent.
	Tags []string
	// Keywords trigger the rule; synonyms in every language the shop serves.
	Keywords []Keyword
	// Reply is the template key of the answer, rendered by the templating
	// layer (autoreply/catalog). May be empty when Next is set.
	Reply string
	// Extract names the extractors (ExtractOrderNumber, ExtractTrackingNumber,
	// ExtractEmail) whose values are put in Decision.Vars under their name.
	Extract []string
	// Next is an optional second step: ask for a value, then answer with it.
	Next *Step
}

// Step is the second layer of a two-layer conversation: the engine asks with
// the Ask template, waits for a message carrying the Await extractor's value,
// calls the Lookup function with it, and answers with the Then template.
// Plain data; New copies it.
type Step struct {
	Ask    string // template key of the prompt ("please send your order number")
	Await  string // extractor name of the awaited value
	Then   string // template key of the final reply
	Lookup string // name of a LookupFunc in Config.Lookups; empty = no lookup
}

// RuleSet is a shop's whole configuration of automatic answers. It is plain
// data: build it in code or read it with LoadRules; New validates and
// compiles it into an Engine that keeps its own copy, so the RuleSet may be
// changed or reused afterwards (not while New runs). Not safe for concurrent
// mutation.
type RuleSet struct {
	// Rules are the automatic answers, in the order that breaks ties
	// between rules that match equally well.
	Rules []Rule
	// Handoff keywords make the engine hand the conversation to a person.
	Handoff []Keyword
	// Version of the rule-file format; LoadRules accepts 1.
	Version int
}

// ErrInvalidRules is wrapped by every error of LoadRules and of New about the
// rule set itself; the message names the rule at fault.
var ErrInvalidRules = errors.New("autoreply: invalid rules")

type fileRule struct {
	Name     string              `json:"name"`
	Priority int                 `json:"priority"`
	Tags     []string            `json:"tags"`
	Reply    string              `json:"reply"`
	Keywords map[string][]string `json:"keywords"`
	Extract  []string            `json:"extract"`
	Next     *fileStep           `json:"next"`
}

type fileStep struct {
	Ask    string `json:"ask"`
	Await  string `json:"await"`
	Then   string `json:"then"`
	Lookup string `json:"lookup"`
}

type fileRules struct {
	Version int                 `json:"version"`
	Handoff map[string][]string `json:"handoff"`
	Rules   []fileRule          `json:"rules"`
}

// LoadRules reads a JSON rule file:
//
//	{"version": 1,
//	 "handoff": {"en": ["agent", "human"], "zh-Hans": ["人工", "客服"]},
//	 "rules": [{"name": "where_is_my_order", "priority": 10,
//	            "tags": ["shipping_status"], "reply": "shipping.ask_order",
//	            "keywords": {"en": ["where is my order", "track*", "~parcel"], "th": ["พัสดุ"]},
//	            "extract": ["order_number"],
//	            "next": {"ask": "shipping.ask_order", "await": "order_number",
//	                     "then": "shipping.status", "lookup": "track"}}]}
//
// Keywords use the syntax of ParseKeyword. Languages are read in sorted
// order so the result does not depend on JSON object order; rules keep the
// file's order, which breaks ties between conflicting rules. Unknown fields
// are an error (a typo must not silently disable a rule). Errors wrap
// ErrInvalidRules and name the rule. LoadRules checks syntax only; New checks
// the rest (duplicates, normalization, extractor and lookup names).
func LoadRules(r io.Reader) (*RuleSet, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f fileRules
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidRules, err)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("%w: version %d, want 1", ErrInvalidRules, f.Version)
	}
	rs := &RuleSet{Version: f.Version}
	var err error
	if rs.Handoff, err = parseKeywords(f.Handoff); err != nil {
		return nil, fmt.Errorf("%w: handoff: %w", ErrInvalidRules, err)
	}
	for i, fr := range f.Rules {
		rule := Rule{
			Name:     fr.Name,
			Priority: fr.Priority,
			Tags:     fr.Tags,
			Reply:    fr.Reply,
			Extract:  fr.Extract,
		}
		if rule.Keywords, err = parseKeywords(fr.Keywords); err != nil {
			return nil, fmt.Errorf("%w: rule %s: %w", ErrInvalidRules, ruleLabel(i, fr.Name), err)
		}
		if fr.Next != nil {
			rule.Next = &Step{Ask: fr.Next.Ask, Await: fr.Next.Await, Then: fr.Next.Then, Lookup: fr.Next.Lookup}
		}
		rs.Rules = append(rs.Rules, rule)
	}
	return rs, nil
}

func parseKeywords(byLang map[string][]string) ([]Keyword, error) {
	langs := make([]string, 0, len(byLang))
	for l := range byLang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	var out []Keyword
	for _, l := range langs {
		for _, s := range byLang[l] {
			k, err := ParseKeyword(s, l)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", l, err)
			}
			out = append(out, k)
		}
	}
	return out, nil
}

// ruleLabel names a rule in errors, even an unnamed one.
func ruleLabel(i int, name string) string {
	if name == "" {
		return fmt.Sprintf("#%d (unnamed)", i+1)
	}
	return fmt.Sprintf("%q", name)
}
