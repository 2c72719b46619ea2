package identity

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// keys returns the index entries of p: its links, phones, emails and
// orders for exact lookups, and its blocking keys for duplicate detection,
// which carry p's normalized names (joined by \x1f) as Data. A merged-away
// or anonymous profile has none.
func (r *Registry) keys(p *Profile) []Entry {
	if p.MergedInto != "" || p.Anonymous {
		return nil
	}
	names := r.indexedNames(p)
	var data []byte
	for i, n := range names {
		if i > 0 {
			data = append(data, 0x1f)
		}
		data = append(data, string(n)...)
	}
	names2 := string(data)
	ks := make([]Entry, 0, len(p.Links)+2*len(p.Phones)+len(p.Emails)+2*len(p.Orders)+4*len(names))
	for _, l := range p.Links {
		ks = append(ks, Entry{Key: l.key()})
	}
	for _, ph := range p.Phones {
		ks = append(ks, Entry{Key: Key{KeyPhone, ph.E164}}, Entry{phonePrefixKey(ph.E164), names2})
	}
	for _, e := range p.Emails {
		ks = append(ks, Entry{Key: Key{KeyEmail, e}})
	}
	for _, o := range p.Orders {
		if o.ID != "" {
			ks = append(ks, Entry{Key: Key{KeyOrder, o.ID}})
		}
		if o.SKU != "" {
			ks = append(ks, Entry{r.skuKey(o.SKU, r.skuBucket(o.At)), names2})
		}
	}
	for _, n := range names {
		for _, k := range r.appendNameKeys(nil, n) {
			ks = append(ks, Entry{k, names2})
		}
	}
	return ks
}

// maxIndexedNames bounds the names of one profile that are indexed.
const maxIndexedNames = 3

// indexedNames returns the distinct normalized forms (sorted tokens, and
// tokens in the given order when that differs) of at most maxIndexedNames
// names of p.
func (r *Registry) indexedNames(p *Profile) [][]rune {
	var out [][]rune
	for i, name := range p.Names {
		if i == maxIndexedNames {
			break
		}
		sorted, given := normalizeName(name)
		for _, form := range []string{sorted, given} {
			if n := []rune(form); len(n) > 0 && !containsRunes(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func containsRunes(list [][]rune, n []rune) bool {
	for _, m := range list {
		if string(m) == string(n) {
			return true
		}
	}
	return false
}

// phonePrefixKey blocks numbers that differ only in their last three digits:
// a typo there, or two lines of one household or business.
func phonePrefixKey(e164 string) Key {
	return Key{KeyBlock, "p" + e164[:max(min(2, len(e164)), len(e164)-3)]}
}

// skuBucket numbers the SKUWindow-long periods since the Unix epoch; two
// purchases within SKUWindow fall in the same or in adjacent buckets.
func (r *Registry) skuBucket(t time.Time) int64 {
	w := int64(r.skuWindow / time.Second)
	s := t.Unix()
	b := s / w
	if s < 0 && s%w != 0 {
		b--
	}
	return b
}

func (r *Registry) skuKey(sku string, bucket int64) Key {
	return Key{KeyBlock, "s" + strconv.FormatInt(bucket, 10) + "\x1f" + sku}
}

// Names are blocked with the partition scheme of Pass-Join (Li, Deng, Wang,
// Feng, VLDB 2011): a name of L runes is cut into tau+1 segments and
// indexed by each. Any name within tau edits leaves at least one segment
// intact (pigeonhole), found as a substring of the other name near the
// segment's position, so a probe for the few substrings that can match
// finds every name within tau edits without comparing all pairs.
//
// tau is the blocking budget, not the full distance the threshold allows
// (a quarter of the length at 0.8): segments of 2–3 runes would make blocks
// of thousands of names in a million. The budget keeps segments at 4 runes
// or more: at least one edit for any name, two from 12 runes, three from
// 16, never more than the threshold allows. Names further apart are still
// found through the other blocks (phone prefix, shared SKU); the recall on
// realistic duplicates is measured in BenchmarkScan.

// tau is the blocking budget of a normalized name n.
func (r *Registry) tau(n []rune) int {
	l := len(n)
	if l <= 4 && shortCJK(n) {
		return 0 // one edit already falls below 0.8: exact names only
	}
	return r.tauLen(l)
}

// tauLen is the budget for a name of l runes, short CJK names aside.
func (r *Registry) tauLen(l int) int {
	full := int((1-r.threshold)/r.threshold*float64(l) + 1e-9) // d ≤ (1−θ)/θ · l
	return max(0, min(full, max(1, l/5-1), l-1))
}

// segment returns the start and length of segment i of tau+1 for length l:
// the first ones floor(l/(tau+1)) long, the last l mod (tau+1) one longer.
func segment(l, tau, i int) (start, length int) {
	n := tau + 1
	base, extra := l/n, l%n
	short := n - extra
	if i < short {
		return i * base, base
	}
	return short*base + (i-short)*(base+1), base + 1
}

func nameKey(l, i int, seg []rune) Key {
	var buf [64]byte
	b := append(buf[:0], 'g')
	b = strconv.AppendInt(b, int64(l), 10)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, ':')
	for _, c := range seg {
		b = utf8.AppendRune(b, c)
	}
	return Key{KeyBlock, string(b)}
}

func (r *Registry) appendNameKeys(ks []Key, n []rune) []Key {
	l := len(n)
	tau := r.tau(n)
	for i := 0; i <= tau; i++ {
		st, ln := segment(l, tau, i)
		ks = append(ks, nameKey(l, i, n[st:st+ln]))
	}
	return ks
}

// nameProbes returns the keys under which every indexed name within the
// blocking budget of n is found: for each length l that can be similar,
// each segment i, the substrings of n where segment i can land. If i is the
// first intact segment, the i segments before it hold an edit each and the
// shift s of its position costs |s| edits before it and |Δ−s| after it
// (Δ = len(n) − l), so max(i, |s|) + |Δ − s| ≤ tau.
func (r *Registry) nameProbes(ks []Key, n []rune) []Key {
	ln := len(n)
	lo := max(1, int(float64(ln)*r.threshold)-1)
	hi := int(float64(ln)/r.threshold) + 1
	for l := lo; l <= hi; l++ {
		ks = r.probesForLength(ks, n, l, r.tauLen(l))
		if l <= 4 && r.tauLen(l) > 0 {
			ks = r.probesForLength(ks, n, l, 0) // short CJK names are indexed whole
		}
	}
	return ks
}

func (r *Registry) probesForLength(ks []Key, n []rune, l, tau int) []Key {
	ln := len(n)
	delta := ln - l
	if delta > tau || -delta > tau {
		return ks
	}
	for i := 0; i <= tau; i++ {
		st, sl := segment(l, tau, i)
		for s := -tau; s <= tau; s++ {
			if max(i, abs(s))+abs(delta-s) > tau {
				continue
			}
			p := st + s
			if p < 0 || p+sl > ln {
				continue
			}
			ks = append(ks, nameKey(l, i, n[p:p+sl]))
		}
	}
	return ks
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
