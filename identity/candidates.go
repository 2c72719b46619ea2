package identity

import (
	"cmp"
	"context"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// Rule names one kind of evidence that two profiles are one customer.
type Rule string

// Evidence rules.
const (
	RuleName        Rule = "name"         // name similarity ≥ Threshold (Score)
	RuleNameNear    Rule = "name_near"    // short CJK names one edit apart, with other evidence
	RuleSamePhone   Rule = "same_phone"   // an E.164 number in common
	RuleSameEmail   Rule = "same_email"   // an email in common
	RulePhonePrefix Rule = "phone_prefix" // numbers equal but for the last three digits
	RuleSharedSKU   Rule = "shared_sku"   // the same SKU bought within SKUWindow (Detail: the SKU)
)

// Evidence is one reason a pair is a candidate.
type Evidence struct {
	Rule   Rule
	Score  float64 // the name similarity for RuleName and RuleNameNear, else 1
	Detail string  // e.g. the SKU; never a phone number or an email
}

// Candidate is a profile that may be the same customer as the one asked
// about, with the best name similarity as Score and every piece of evidence.
type Candidate struct {
	ProfileID string
	Score     float64
	Evidence  []Evidence
}

// Pair is a candidate pair of a full scan; A < B.
type Pair struct {
	A, B     string
	Score    float64
	Evidence []Evidence
}

// Candidates returns the profiles that may be duplicates of profile id
// (following merges), best first, without comparing all pairs: profiles
// sharing a blocking key with it (a similar name — see NameSimilarity —, a
// phone prefix, a SKU bought within SKUWindow) or an exact phone or email
// are scored. A profile is a candidate when its name similarity reaches
// Threshold (for short CJK names of 2–4 characters, only an exact name, or
// one edit apart when another rule agrees), or when it shares a phone number
// or an email. Blocking keys shared by more than MaxBlock profiles are
// skipped. Errors: ErrNotFound, the Store's errors.
func (r *Registry) Candidates(ctx context.Context, id string) ([]Candidate, error) {
	p, err := r.survivor(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.candidates(ctx, p, "")
}

// candidates scores the profiles that share a key with p; when after is not
// empty, only profiles with a greater id are returned (for the full scan).
func (r *Registry) candidates(ctx context.Context, p *Profile, after string) ([]Candidate, error) {
	pr := r.prepare(p)
	seen := make(map[string]bool)
	seen[p.ID] = true
	var pending []string // ids to load and score
	consider := func(k Key, id, data string) {
		if seen[id] || (after != "" && id <= after) {
			return
		}
		seen[id] = true
		// Blocking entries carry the names: most block mates are
		// dismissed here without loading their profile.
		if k.Kind == KeyBlock && !r.namesMayMatch(pr.names, data) {
			return
		}
		pending = append(pending, id)
	}
	mem, _ := r.store.(*MemoryStore)
	for _, k := range r.probes(p, pr.names) {
		limit := math.MaxInt
		if k.Kind == KeyBlock {
			limit = r.maxBlock
		}
		if mem != nil {
			mem.eachHit(k, limit, func(id, data string) { consider(k, id, data) })
			continue
		}
		hits, err := r.store.Lookup(ctx, k)
		if err != nil {
			return nil, err
		}
		if len(hits) > limit {
			continue
		}
		for _, h := range hits {
			consider(k, h.ID, h.Data)
		}
	}
	var out []Candidate
	for _, id := range pending {
		q, err := r.store.Get(ctx, id)
		if err != nil || q.MergedInto != "" {
			continue // deleted or merged meanwhile
		}
		if c, ok := r.score(pr, r.prepare(q)); ok {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ProfileID, b.ProfileID)
	})
	return out, nil
}

// namesMayMatch reports whether one of names and one of the \x1f-separated
// normalized names in data are similar enough to make a candidate: within
// the threshold, or short CJK names one edit apart (which need evidence).
func (r *Registry) namesMayMatch(names [][]rune, data string) bool {
	var buf [maxNameRunes]rune
	for data != "" {
		part := data
		if i := strings.IndexByte(data, 0x1f); i >= 0 {
			part, data = data[:i], data[i+1:]
		} else {
			data = ""
		}
		y := buf[:0]
		for _, c := range part {
			if len(y) == len(buf) {
				break
			}
			y = append(y, c)
		}
		for _, x := range names {
			m := max(len(x), len(y))
			limit := int((1-r.threshold)*float64(m) + 1e-9)
			cjk := shortCJK(x) && shortCJK(y)
			if cjk {
				limit = max(limit, 1)
			}
			if levenshtein(x, y, limit) <= limit {
				return true
			}
		}
	}
	return false
}

// prepared is a profile with its names normalized once.
type prepared struct {
	*Profile
	names [][]rune
}

func (r *Registry) prepare(p *Profile) prepared {
	return prepared{Profile: p, names: r.indexedNames(p)}
}

// probes returns the keys to look p's candidates up by.
func (r *Registry) probes(p *Profile, names [][]rune) []Key {
	var ks []Key
	for _, ph := range p.Phones {
		ks = append(ks, Key{KeyPhone, ph.E164}, phonePrefixKey(ph.E164))
	}
	for _, e := range p.Emails {
		ks = append(ks, Key{KeyEmail, e})
	}
	for _, o := range p.Orders {
		if o.SKU == "" {
			continue
		}
		b := r.skuBucket(o.At)
		ks = append(ks, r.skuKey(o.SKU, b-1), r.skuKey(o.SKU, b), r.skuKey(o.SKU, b+1))
	}
	for _, n := range names {
		ks = r.nameProbes(ks, n)
	}
	slices.SortFunc(ks, compareKeys)
	return slices.Compact(ks)
}

// score decides whether q is a candidate duplicate of p, and why.
func (r *Registry) score(p, q prepared) (Candidate, bool) {
	c := Candidate{ProfileID: q.ID}
	best, near := 0.0, false
	for _, x := range p.names {
		for _, y := range q.names {
			s := similarity(x, y)
			if s > best {
				best = s
			}
			if shortCJK(x) && shortCJK(y) && levenshtein(x, y, 1) == 1 {
				near = true
			}
		}
	}
	other := false
	for _, ph := range p.Phones {
		if q.hasPhone(ph.E164) {
			c.Evidence = append(c.Evidence, Evidence{Rule: RuleSamePhone, Score: 1})
			other = true
			break
		}
	}
	for _, e := range p.Emails {
		if slices.Contains(q.Emails, e) {
			c.Evidence = append(c.Evidence, Evidence{Rule: RuleSameEmail, Score: 1})
			other = true
			break
		}
	}
	strong := other
	if !strong {
	prefix:
		for _, a := range p.Phones {
			for _, b := range q.Phones {
				if phonePrefixKey(a.E164) == phonePrefixKey(b.E164) {
					c.Evidence = append(c.Evidence, Evidence{Rule: RulePhonePrefix, Score: 1})
					other = true
					break prefix
				}
			}
		}
	}
	if sku, ok := r.sharedSKU(p.Profile, q.Profile); ok {
		c.Evidence = append(c.Evidence, Evidence{Rule: RuleSharedSKU, Score: 1, Detail: sku})
		other = true
	}
	c.Score = best
	nameOK := best >= r.threshold
	if nameOK && best < 1 && len(p.names) > 0 && len(q.names) > 0 && allShortCJK(p.names, q.names) {
		nameOK = false // short CJK names: exact only, unless evidence agrees (below)
	}
	switch {
	case nameOK:
		c.Evidence = append([]Evidence{{Rule: RuleName, Score: best}}, c.Evidence...)
		return c, true
	case near && other:
		c.Evidence = append([]Evidence{{Rule: RuleNameNear, Score: best}}, c.Evidence...)
		return c, true
	case strong:
		return c, true
	}
	return Candidate{}, false
}

func allShortCJK(a, b [][]rune) bool {
	for _, n := range a {
		if !shortCJK(n) {
			return false
		}
	}
	for _, n := range b {
		if !shortCJK(n) {
			return false
		}
	}
	return true
}

// sharedSKU returns a SKU both bought within SKUWindow of each other.
func (r *Registry) sharedSKU(p, q *Profile) (string, bool) {
	for _, a := range p.Orders {
		for _, b := range q.Orders {
			if a.SKU != "" && a.SKU == b.SKU && absDuration(a.At.Sub(b.At)) <= r.skuWindow {
				return a.SKU, true
			}
		}
	}
	return "", false
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// Scan lists every candidate pair of the store (see Candidates), each pair
// once with A < B, best first. It visits each profile once and looks up its
// blocking keys, so its cost grows with the number of profiles times the
// size of their blocks, not with the number of pairs; profiles are
// processed by one goroutine per processor (GOMAXPROCS). Errors: ctx's, the
// Store's.
func (r *Registry) Scan(ctx context.Context) ([]Pair, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		work    = make(chan *Profile, 256)
		mu      sync.Mutex
		out     []Pair
		firstEr error
		wg      sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if firstEr == nil {
			firstEr = err
		}
		mu.Unlock()
		cancel()
	}
	// Profiles are independent: one worker per processor.
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			var local []Pair
			for p := range work {
				cs, err := r.candidates(ctx, p, p.ID)
				if err != nil {
					fail(err)
					continue
				}
				for _, c := range cs {
					local = append(local, Pair{A: p.ID, B: c.ProfileID, Score: c.Score, Evidence: c.Evidence})
				}
			}
			mu.Lock()
			out = append(out, local...)
			mu.Unlock()
		})
	}
	feed := func(p *Profile) bool {
		if p.MergedInto != "" {
			return true
		}
		select {
		case work <- p:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var err error
	if m, ok := r.store.(*MemoryStore); ok {
		err = m.each(ctx, feed) // read-only: no copies needed
	} else {
		err = r.store.Range(ctx, feed)
	}
	close(work)
	wg.Wait()
	if firstEr != nil {
		return nil, firstEr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Pair) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(a.A, b.A); c != 0 {
			return c
		}
		return cmp.Compare(a.B, b.B)
	})
	return out, nil
}
