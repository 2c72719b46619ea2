package identity

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// Rule names one kind of evidence that two profiles are one customer.
type Rule string

// Evidence rules.
const (
	RuleName        Rule = "name"         // name similarity ≥ Threshold (Score)
	RuleNameNear    Rule = "name_near"    // short CJK names one edit apart
	RuleSamePhone   Rule = "same_phone"   // an E.164 number in common
	RuleSameEmail   Rule = "same_email"   // an email in common
	RuleSameAddress Rule = "same_address" // the same "address" field, folded
	RulePhonePrefix Rule = "phone_prefix" // numbers equal but for the last three digits
	RuleSharedSKU   Rule = "shared_sku"   // the same SKU bought within SKUWindow (Detail: the SKU)
)

// Class says how far a candidate pair may be trusted.
type Class string

// Classes of candidates, strongest first.
const (
	// ClassStrong: the names agree (RuleName) and the two share a phone
	// number or an email. The only class a shop may merge automatically.
	ClassStrong Class = "strong"
	// ClassProbable: the names agree and weaker evidence backs them (a
	// phone prefix, a SKU bought within SKUWindow, the same address), or
	// short CJK names one edit apart with a phone, email, address or phone
	// prefix in common. A person should decide.
	ClassProbable Class = "probable"
	// ClassSharedIdentifier: a phone number or email in common, but the
	// names disagree or are missing: a family phone, a shop's test number.
	// A person should decide.
	ClassSharedIdentifier Class = "shared_identifier"
	// ClassNameOnly: the same name (normalized) and nothing else, for a
	// name at most MaxNameOnly profiles share. The weakest class: a person
	// should decide, and a popular name never forms one.
	ClassNameOnly Class = "name_only"
)

// MaxNameOnly is the most profiles that may share a normalized name for
// pairs among them to be reported as ClassNameOnly: beyond it the name is
// too common to say anything on its own.
const MaxNameOnly = 3

// Evidence is one reason a pair is a candidate.
type Evidence struct {
	Rule   Rule    // which rule found the pair
	Score  float64 // the name similarity for RuleName and RuleNameNear, else 1
	Detail string  // e.g. the SKU; never a phone number, an email or an address
}

// Candidate is a profile that may be the same customer as the one asked
// about, with the best name similarity as Score, its Class and every piece
// of evidence.
type Candidate struct {
	ProfileID string     // the other profile
	Score     float64    // the best name similarity of the two, 0–1
	Class     Class      // how far the pair may be trusted
	Evidence  []Evidence // RuleName or RuleNameNear first when names count
}

// AutoMerge reports whether the candidate is strong enough to merge
// without a person: ClassStrong only.
func (c Candidate) AutoMerge() bool { return c.Class == ClassStrong }

// Pair is a candidate pair of a full scan; A < B.
type Pair struct {
	A, B     string     // the two profile ids, A < B
	Score    float64    // the best name similarity of the two, 0–1
	Class    Class      // how far the pair may be trusted
	Evidence []Evidence // RuleName or RuleNameNear first when names count
}

// AutoMerge reports whether the pair is strong enough to merge without a
// person: ClassStrong only.
func (p Pair) AutoMerge() bool { return p.Class == ClassStrong }

// Candidates returns the profiles that may be duplicates of profile id
// (following merges), best first, by the rule Scan applies, without
// comparing all pairs: the profiles sharing a phone number, an email, a
// phone prefix, an address or a SKU period with it are looked up by key
// and scored. Errors: ErrNotFound, the stores' errors.
func (r *Registry) Candidates(ctx context.Context, id string) ([]Candidate, error) {
	p, err := r.survivor(ctx, id)
	if err != nil {
		return nil, err
	}
	pp := r.prepare(p)
	seen := map[string]bool{p.ID: true}
	byName := map[string]bool{} // found through a rare name's key
	var pending []string
	for _, k := range r.probes(p) {
		limit := 0
		if isNameKey(k) {
			limit = MaxNameOnly + 1 // enough to tell a rare name from a popular one
		}
		hits, err := r.keyStore.Lookup(ctx, k, limit)
		if err != nil {
			return nil, err
		}
		if isNameKey(k) {
			if len(hits) > MaxNameOnly {
				continue // a popular name says nothing on its own
			}
			for _, h := range hits {
				byName[h.ID] = true
			}
		}
		for _, h := range hits {
			if seen[h.ID] {
				continue
			}
			// Blocking entries carry the names: most block mates are
			// dismissed here without loading their profile.
			if k.Kind == KeyBlock && !isNameKey(k) && !r.namesClose(pp.names, splitNames(h.Data)) {
				continue
			}
			seen[h.ID] = true
			pending = append(pending, h.ID)
		}
	}
	var out []Candidate
	for _, qid := range pending {
		q, err := r.profiles.GetProfile(ctx, qid)
		if err != nil || q.MergedInto != "" {
			continue // deleted or merged meanwhile
		}
		if c, ok := r.score(pp, r.prepare(q), byName[qid]); ok {
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

// probes returns the keys to look p's candidates up by.
func (r *Registry) probes(p *Profile) []Key {
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
	if a := addressOf(p); a != "" {
		ks = append(ks, addressKey(a))
	}
	for _, n := range p.NormalizedNames {
		ks = append(ks, nameKey(n))
	}
	slices.SortFunc(ks, compareKeys)
	return slices.Compact(ks)
}

func compareKeys(a, b Key) int {
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	return strings.Compare(a.Value, b.Value)
}

func splitNames(data string) [][]rune {
	if data == "" {
		return nil
	}
	parts := strings.Split(data, "\x1f")
	out := make([][]rune, len(parts))
	for i, s := range parts {
		out[i] = []rune(s)
	}
	return out
}

// prepared is a profile with what scoring compares, computed once.
type prepared struct {
	*Profile
	names [][]rune
	addr  string
}

func (r *Registry) prepare(p *Profile) prepared {
	return prepared{Profile: p, names: p.normNames(), addr: addressOf(p)}
}

// nameLimit is the most edits two normalized names of lengths la and lb
// may differ by and still be similar: (1 − Threshold) · max(la, lb); at
// least 1 for two short CJK names (RuleNameNear).
func (r *Registry) nameLimit(x, y []rune) int {
	limit := int((1-r.threshold)*float64(max(len(x), len(y))) + 1e-9)
	if limit == 0 && shortCJK(x) && shortCJK(y) {
		limit = 1
	}
	return limit
}

// namesClose reports whether some name of xs and some of ys are within
// nameLimit edits: the pair is worth scoring.
func (r *Registry) namesClose(xs, ys [][]rune) bool {
	for _, x := range xs {
		for _, y := range ys {
			limit := r.nameLimit(x, y)
			if levenshtein(x, y, limit) <= limit {
				return true
			}
		}
	}
	return false
}

// score applies the duplicate rule to p and q: whether q is a candidate
// duplicate of p, of which class, and why; nameOnly allows ClassNameOnly
// (the caller found the pair through a rare name). Scan and Candidates
// agree with it by construction; it is the definition the blocking is
// tested against.
func (r *Registry) score(p, q prepared, nameOnly bool) (Candidate, bool) {
	c := Candidate{ProfileID: q.ID}
	best, near := 0.0, false
	for _, x := range p.names {
		for _, y := range q.names {
			if s := similarity(x, y); s > best {
				best = s
			}
			if shortCJK(x) && shortCJK(y) && levenshtein(x, y, 1) == 1 {
				near = true
			}
		}
	}
	var exact, firm, weak bool // firm: evidence enough for near CJK names
	if slices.ContainsFunc(p.Phones, func(ph Phone) bool { return q.hasPhone(ph.E164) }) {
		c.Evidence = append(c.Evidence, Evidence{Rule: RuleSamePhone, Score: 1})
		exact = true
	}
	if slices.ContainsFunc(p.Emails, func(e string) bool { return slices.Contains(q.Emails, e) }) {
		c.Evidence = append(c.Evidence, Evidence{Rule: RuleSameEmail, Score: 1})
		exact = true
	}
	if p.addr != "" && p.addr == q.addr {
		c.Evidence = append(c.Evidence, Evidence{Rule: RuleSameAddress, Score: 1})
		firm = true
	}
	if !exact && sharePrefix(p.Profile, q.Profile) {
		c.Evidence = append(c.Evidence, Evidence{Rule: RulePhonePrefix, Score: 1})
		firm = true
	}
	if sku, ok := r.sharedSKU(p.Profile, q.Profile); ok {
		c.Evidence = append(c.Evidence, Evidence{Rule: RuleSharedSKU, Score: 1, Detail: sku})
		weak = true
	}
	c.Score = best
	nameOK := best >= r.threshold
	if nameOK && best < 1 && allShortCJK(p.names, q.names) {
		nameOK = false // short CJK names: one edit is RuleNameNear
	}
	switch {
	case nameOK && exact:
		c.Class = ClassStrong
	case nameOK && (firm || weak):
		c.Class = ClassProbable
	case near && (exact || firm):
		c.Class = ClassProbable
		c.Evidence = append([]Evidence{{Rule: RuleNameNear, Score: best}}, c.Evidence...)
		return c, true
	case exact:
		c.Class = ClassSharedIdentifier
		return c, true
	case nameOnly && best == 1:
		c.Class = ClassNameOnly
	default:
		return Candidate{}, false
	}
	c.Evidence = append([]Evidence{{Rule: RuleName, Score: best}}, c.Evidence...)
	return c, true
}

func sharePrefix(p, q *Profile) bool {
	for _, a := range p.Phones {
		for _, b := range q.Phones {
			if phonePrefix(a.E164) == phonePrefix(b.E164) {
				return true
			}
		}
	}
	return false
}

func allShortCJK(a, b [][]rune) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
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
