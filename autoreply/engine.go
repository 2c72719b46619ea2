package autoreply

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/switchboard-go/switchboard/channel"
)

// LookupFunc answers the precise second step of a conversation, such as a
// tracking query for an order number. value is the awaited extractor's value;
// the returned map is merged into Decision.Vars (its keys win over extracted
// ones). An error is returned by Decide, wrapped, and the conversation keeps
// waiting for a value. The Engine calls it from Decide's goroutine, for many
// conversations at once: it must be safe for concurrent use.
type LookupFunc func(ctx context.Context, addr channel.Address, value string) (map[string]string, error)

// Config configures an Engine. New reads it once (and copies Lookups); it
// is not retained.
type Config struct {
	// Rules is the rule set to compile; required.
	Rules *RuleSet
	// Lookups are the functions Step.Lookup names; every name a rule uses
	// must be present.
	Lookups map[string]LookupFunc
	// MaxMisses is the number of consecutive unanswered messages that hand
	// a conversation off; 0 means 3, negative means never.
	MaxMisses int
	// Store keeps conversation state; nil means a MemoryStore.
	Store StateStore
	// StateTTL is how long a conversation's state lives after its last
	// message; 0 means 24 hours. A handed-off conversation stays quiet until
	// Release or until its state expires.
	StateTTL time.Duration
	// Clock is the time source for expiry; nil means time.Now.
	Clock channel.Clock
	// FoldDiacritics removes diacritics from Latin letters in messages and
	// keywords alike ("reembolsó" matches "reembolso"). Other scripts keep
	// their marks.
	FoldDiacritics bool
	// Fallback, if set, chooses a rule for a message that no keyword
	// matched (by the rule's first tag; the first such rule answers), or
	// hands it off (HandoffIntent). It is not asked about messages that
	// match a keyword, or that carry a value the conversation awaits;
	// if it is also a Vetoer, it may withhold a rule keyword's answer, and
	// if it is an Overruler, replace the keyword's rule by another.
	Fallback Classifier
}

// Engine decides the automatic answer to each message. It is immutable after
// New apart from its counters and the conversation store, and safe for
// concurrent use. Decide serializes the messages of one conversation (on one
// of 256 locks chosen by a hash of the address, held during the lookup), so
// a conversation's state is never updated by two messages at once within a
// process.
type Engine struct {
	rules     []compiledRule
	byName    map[string]int
	patterns  []pattern
	ac        *automaton
	lookups   map[string]LookupFunc
	maxMisses int
	store     StateStore
	ttl       time.Duration
	clock     channel.Clock
	fold      bool
	fallback  Classifier
	byIntent  map[string]int // first tag → index of the first rule with it
	stats     *stats
	// keywordBytes keeps the normalized keywords, for tests and errors.
	keywordBytes *acBuilder
	bufs         sync.Pool
	seed         maphash.Seed
	locks        [256]sync.Mutex
}

type compiledRule struct {
	Rule
	index int
}

// pattern is one compiled keyword.
type pattern struct {
	rule       int32 // index into Engine.rules; -1 for a hand-off keyword
	kw         Keyword
	checkStart bool
	checkEnd   bool
	size       int // bytes of the normalized keyword
	runes      int // runes of the normalized keyword
}

// New validates and compiles cfg.Rules into an Engine. It returns an error
// wrapping ErrInvalidRules, naming the rule, for: a missing or duplicate
// rule name; a rule with no keywords, or with neither Reply nor Next; an
// invalid keyword mode or a keyword that is empty after normalization; the
// same normalized keyword twice, whatever the modes (within a rule, across
// rules, or in the hand-off list: "refund" and "ＲＥＦＵＮＤ" are one keyword); a Prefix keyword that does not start in a script with word
// boundaries; an unknown extractor; a Next without Await or Then; a Lookup
// missing from cfg.Lookups.
func New(cfg Config) (*Engine, error) {
	if cfg.Rules == nil {
		return nil, fmt.Errorf("%w: no rule set", ErrInvalidRules)
	}
	e := &Engine{
		byName:    make(map[string]int, len(cfg.Rules.Rules)),
		lookups:   maps.Clone(cfg.Lookups),
		maxMisses: cfg.MaxMisses,
		store:     cfg.Store,
		ttl:       cfg.StateTTL,
		clock:     cfg.Clock,
		fold:      cfg.FoldDiacritics,
		fallback:  cfg.Fallback,
		byIntent:  map[string]int{},
		seed:      maphash.MakeSeed(),
	}
	if e.maxMisses == 0 {
		e.maxMisses = 3
	}
	if e.ttl <= 0 {
		e.ttl = 24 * time.Hour
	}
	if e.store == nil {
		e.store = NewMemoryStore(cfg.Clock)
	}

	nkw := len(cfg.Rules.Handoff)
	for _, r := range cfg.Rules.Rules {
		nkw += len(r.Keywords)
	}
	e.patterns = make([]pattern, 0, nkw)
	b := newACBuilder(nkw, nkw*16)
	var scratch []byte
	addKeyword := func(rule int32, label string, k Keyword) error {
		p, norm, err := e.compileKeyword(rule, k, scratch[:0])
		scratch = norm
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrInvalidRules, label, err)
		}
		b.add(norm)
		e.patterns = append(e.patterns, p)
		return nil
	}
	for _, k := range cfg.Rules.Handoff {
		if err := addKeyword(-1, "handoff", k); err != nil {
			return nil, err
		}
	}
	for i, r := range cfg.Rules.Rules {
		label := "rule " + ruleLabel(i, r.Name)
		if err := e.checkRule(r, label); err != nil {
			return nil, err
		}
		e.byName[r.Name] = i
		if len(r.Tags) > 0 {
			if _, ok := e.byIntent[r.Tags[0]]; !ok {
				e.byIntent[r.Tags[0]] = i
			}
		}
		// Own copies, so the caller may reuse the RuleSet.
		r.Tags, r.Extract, r.Keywords = slices.Clone(r.Tags), slices.Clone(r.Extract), slices.Clone(r.Keywords)
		if r.Next != nil {
			next := *r.Next
			r.Next = &next
		}
		e.rules = append(e.rules, compiledRule{Rule: r, index: i})
		for _, k := range r.Keywords {
			if err := addKeyword(int32(i), label, k); err != nil {
				return nil, err
			}
		}
	}
	e.keywordBytes = b
	var dupA, dupB int32
	if e.ac, dupA, dupB = b.build(); e.ac == nil {
		return nil, fmt.Errorf("%w: %s: keyword %q duplicates %q of %s", ErrInvalidRules,
			e.owner(dupB), e.patterns[dupB].kw.Text, e.patterns[dupA].kw.Text, e.owner(dupA))
	}
	e.stats = newStats(len(e.rules))
	return e, nil
}

// patternBytes returns the normalized bytes of pattern p.
func (e *Engine) patternBytes(p int32) []byte { return e.keywordBytes.pattern(p) }

// owner names the rule (or hand-off list) of pattern p, for errors.
func (e *Engine) owner(p int32) string {
	if r := e.patterns[p].rule; r >= 0 {
		return "rule " + ruleLabel(int(r), e.rules[r].Name)
	}
	return "handoff"
}

func (e *Engine) checkRule(r Rule, label string) error {
	switch {
	case r.Name == "":
		return fmt.Errorf("%w: %s has no name", ErrInvalidRules, label)
	case len(r.Keywords) == 0:
		return fmt.Errorf("%w: %s has no keywords", ErrInvalidRules, label)
	case r.Reply == "" && r.Next == nil:
		return fmt.Errorf("%w: %s has neither reply nor next", ErrInvalidRules, label)
	}
	if _, dup := e.byName[r.Name]; dup {
		return fmt.Errorf("%w: %s: name used twice", ErrInvalidRules, label)
	}
	for _, x := range r.Extract {
		if !knownExtractor(x) {
			return fmt.Errorf("%w: %s: unknown extractor %q", ErrInvalidRules, label, x)
		}
	}
	if n := r.Next; n != nil {
		switch {
		case n.Await == "" || n.Then == "":
			return fmt.Errorf("%w: %s: next needs await and then", ErrInvalidRules, label)
		case n.Ask == "" && r.Reply == "":
			return fmt.Errorf("%w: %s: next needs ask (or the rule a reply)", ErrInvalidRules, label)
		case !knownExtractor(n.Await):
			return fmt.Errorf("%w: %s: unknown extractor %q in next", ErrInvalidRules, label, n.Await)
		case n.Lookup != "" && e.lookups[n.Lookup] == nil:
			return fmt.Errorf("%w: %s: lookup %q is not in Config.Lookups", ErrInvalidRules, label, n.Lookup)
		}
	}
	return nil
}

// compileKeyword normalizes k into buf and resolves its mode.
func (e *Engine) compileKeyword(rule int32, k Keyword, buf []byte) (pattern, []byte, error) {
	if k.Mode < Auto || k.Mode > Exact {
		return pattern{}, buf, fmt.Errorf("keyword %q: invalid mode %d", k.Text, int(k.Mode))
	}
	buf = appendNormalized(buf, k.Text, e.fold)
	if k.Mode == Exact {
		lo, hi := trimBounds(buf)
		buf = append(buf[:0], buf[lo:hi]...)
	}
	if len(buf) == 0 {
		return pattern{}, buf, fmt.Errorf("keyword %q is empty after normalization", k.Text)
	}
	first, _ := utf8.DecodeRune(buf)
	last, _ := utf8.DecodeLastRune(buf)
	p := pattern{rule: rule, kw: k, size: len(buf), runes: utf8.RuneCount(buf)}
	switch k.Mode {
	case Auto:
		p.checkStart = wordClass(first) == classSpaced
		p.checkEnd = wordClass(last) == classSpaced
		switch {
		case p.checkStart && p.checkEnd:
			p.kw.Mode = Word
		case !p.checkStart && !p.checkEnd:
			p.kw.Mode = Contains
		} // a mixed keyword with a boundary on one end only stays Auto
	case Word:
		p.checkStart, p.checkEnd = true, true
	case Prefix:
		if wordClass(first) != classSpaced {
			return pattern{}, buf, fmt.Errorf("prefix keyword %q must start with a letter or digit of a script with word boundaries", k.Text)
		}
		p.checkStart = true
	}
	return p, buf, nil
}

// trimBounds returns the bounds of text without leading and trailing space,
// punctuation and symbols.
func trimBounds(text []byte) (lo, hi int) {
	lo, hi = 0, len(text)
	for lo < hi {
		r, n := utf8.DecodeRune(text[lo:])
		if !isTrimmable(r) {
			break
		}
		lo += n
	}
	for hi > lo {
		r, n := utf8.DecodeLastRune(text[lo:hi])
		if !isTrimmable(r) {
			break
		}
		hi -= n
	}
	return lo, hi
}

func isTrimmable(r rune) bool {
	if r < utf8.RuneSelf {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z')
	}
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || r == utf8.RuneError
}

// Normalize returns text normalized the way the engine matches it (see the
// package doc). Safe for concurrent use.
func (e *Engine) Normalize(text string) string {
	return string(appendNormalized(nil, text, e.fold))
}

// ErrNilMessage is returned by Decide for a nil message.
var ErrNilMessage = errors.New("autoreply: nil message")

// Release ends a hand-off (or any conversation state) for a, so the engine
// answers a's next message afresh. It returns the store's error. Safe for
// concurrent use.
func (e *Engine) Release(ctx context.Context, a channel.Address) error {
	mu := e.lock(a)
	mu.Lock()
	defer mu.Unlock()
	return e.store.Delete(ctx, a)
}

// Stats returns a snapshot of the engine's counters. Safe for concurrent use.
func (e *Engine) Stats() StatsSnapshot { return e.stats.snapshot(e.rules) }

// Rules returns the names of the compiled rules, in rule order (the order of
// StatsSnapshot.Rules). Safe for concurrent use.
func (e *Engine) Rules() []string {
	out := make([]string, len(e.rules))
	for i, r := range e.rules {
		out[i] = r.Name
	}
	return out
}

func (e *Engine) lock(a channel.Address) *sync.Mutex {
	var h maphash.Hash
	h.SetSeed(e.seed)
	h.WriteString(string(a.Channel))
	h.WriteByte(0)
	h.WriteString(a.ID)
	return &e.locks[h.Sum64()%uint64(len(e.locks))]
}

func (e *Engine) now() time.Time {
	if e.clock == nil {
		return time.Now()
	}
	return e.clock()
}

// better reports whether hit a outranks hit b: hand-off keywords first, then
// higher rule priority, then the longer keyword (in runes of its normalized
// form), then the earlier rule, then the earlier position.
func (e *Engine) better(a, b rawHit) int {
	pa, pb := &e.patterns[a.pat], &e.patterns[b.pat]
	if (pa.rule < 0) != (pb.rule < 0) {
		if pa.rule < 0 {
			return -1
		}
		return 1
	}
	if pa.rule >= 0 {
		if x, y := e.rules[pa.rule].Priority, e.rules[pb.rule].Priority; x != y {
			if x > y {
				return -1
			}
			return 1
		}
	}
	if pa.runes != pb.runes {
		if pa.runes > pb.runes {
			return -1
		}
		return 1
	}
	if pa.rule != pb.rule {
		if pa.rule < pb.rule {
			return -1
		}
		return 1
	}
	return a.start - b.start
}

func (e *Engine) sortHits(h []rawHit) {
	slices.SortFunc(h, e.better)
}
