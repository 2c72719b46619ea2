package identity

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"strconv"
	"sync"
)

// scanPage is how many profiles Scan reads per ListProfiles call.
const scanPage = 1000

// Scan lists every candidate pair of the stores (see Candidates for the
// rule), each pair once with A < B, best first.
//
// It never compares all pairs, and no name alone forms a block: profiles
// are grouped by evidence — an email or a phone number in common, a phone
// prefix, an address, a SKU bought in the same or the previous SKUWindow —
// and names are compared only inside a group. A large group (a best-selling
// SKU) is joined by name with the partition scheme of Pass-Join (Li, Deng,
// Wang, Feng, VLDB 2011): each name of L runes is cut into τ+1 segments,
// where τ is the most edits the threshold allows a partner of it, and any
// name within τ edits contains one segment intact near its position
// (pigeonhole). So every pair that meets the rule is found: there is no
// budget below the threshold and no group is skipped.
//
// Similar names without other evidence are not reported, with one
// exception: profiles sharing a rare name exactly (normalized; at most
// MaxNameOnly of them) pair up as ClassNameOnly, the weakest class. A
// popular name is no evidence and forms no group. Groups are processed by one goroutine per
// processor (GOMAXPROCS). Errors: ctx's, the stores'.
func (r *Registry) Scan(ctx context.Context) ([]Pair, error) {
	var ps []prepared
	after := ""
	for {
		page, err := r.profiles.ListProfiles(ctx, after, scanPage)
		if err != nil {
			return nil, err
		}
		for _, p := range page {
			if p.MergedInto == "" && !p.Anonymous {
				ps = append(ps, r.prepare(p))
			}
		}
		if len(page) < scanPage {
			break
		}
		after = page[len(page)-1].ID
	}
	return r.scanPrepared(ctx, ps)
}

// block is one evidence group: the indexes of its profiles in the scan.
type block struct {
	exact   bool // an identifier in common: every pair is scored
	name    bool // one normalized name: pairs may be ClassNameOnly
	members []int32
}

func (r *Registry) blocks(ps []prepared) []block {
	idx := make(map[string]int32)
	var bs []block
	add := func(key string, exact bool, i int) {
		b, ok := idx[key]
		if !ok {
			b = int32(len(bs))
			idx[key] = b
			bs = append(bs, block{exact: exact, name: key[0] == 'n'})
		}
		m := bs[b].members
		if len(m) == 0 || m[len(m)-1] != int32(i) {
			bs[b].members = append(m, int32(i))
		}
	}
	var buf []byte
	for i, p := range ps {
		for _, e := range p.Emails {
			add("e"+e, true, i)
		}
		for _, ph := range p.Phones {
			add("t"+ph.E164, true, i)
			add("p"+phonePrefix(ph.E164), false, i)
		}
		if p.addr != "" {
			add("a"+p.addr, false, i)
		}
		for _, n := range p.NormalizedNames {
			add("n"+n, false, i)
		}
		// An order goes into the group of its period and of the next
		// one, so two orders within SKUWindow share a group.
		for _, o := range p.Orders {
			if o.SKU == "" {
				continue
			}
			b := r.skuBucket(o.At)
			for _, bb := range []int64{b, b + 1} {
				buf = append(buf[:0], 's')
				buf = strconv.AppendInt(buf, bb, 10)
				buf = append(buf, 0x1f)
				buf = append(buf, o.SKU...)
				add(string(buf), false, i)
			}
		}
	}
	// Groups of one hold no pair; a popular name is no evidence.
	return slices.DeleteFunc(bs, func(b block) bool {
		return len(b.members) < 2 || (b.name && len(b.members) > MaxNameOnly)
	})
}

// scanPrepared finds the candidate pairs among ps.
func (r *Registry) scanPrepared(ctx context.Context, ps []prepared) ([]Pair, error) {
	bs := r.blocks(ps)
	// Big groups first, so the workers finish together.
	slices.SortFunc(bs, func(a, b block) int { return cmp.Compare(len(b.members), len(a.members)) })

	var (
		next = make(chan int, 64)
		mu   sync.Mutex
		out  []Pair
		wg   sync.WaitGroup
	)
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			seen := [2]map[uint64]bool{make(map[uint64]bool), make(map[uint64]bool)}
			var local []Pair
			score := func(i, j int32, nameOnly bool) {
				if i > j {
					i, j = j, i
				}
				k := uint64(i)<<32 | uint64(uint32(j))
				s := seen[0]
				if nameOnly {
					s = seen[1]
				}
				if s[k] {
					return
				}
				s[k] = true
				a, b := ps[i], ps[j]
				if a.ID > b.ID {
					a, b = b, a
				}
				if c, ok := r.score(a, b, nameOnly); ok {
					local = append(local, Pair{A: a.ID, B: b.ID, Score: c.Score, Class: c.Class, Evidence: c.Evidence})
				}
			}
			emit := func(i, j int32) { score(i, j, false) }
			j := newJoiner(r)
			for bi := range next {
				b := bs[bi]
				if b.exact || b.name {
					for x := range b.members {
						for y := x + 1; y < len(b.members); y++ {
							score(b.members[x], b.members[y], b.name)
						}
					}
					continue
				}
				j.join(ps, b.members, emit)
			}
			mu.Lock()
			out = append(out, local...)
			mu.Unlock()
		})
	}
	var err error
	for bi := range bs {
		if bi%256 == 0 {
			if err = ctx.Err(); err != nil {
				break
			}
		}
		next <- bi
	}
	close(next)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	// Two workers may have found one pair through two groups.
	slices.SortFunc(out, comparePairs)
	out = slices.CompactFunc(out, func(a, b Pair) bool { return a.A == b.A && a.B == b.B })
	return out, nil
}

func comparePairs(a, b Pair) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	if c := cmp.Compare(a.A, b.A); c != 0 {
		return c
	}
	return cmp.Compare(a.B, b.B)
}

// smallGroup: groups up to this size compare every pair of names.
const smallGroup = 48

// joiner finds the pairs of similar names in one evidence group. It reuses
// its index between groups; one joiner per goroutine.
type joiner struct {
	r     *Registry
	index map[uint64][]int32 // segment hash → entries
	owner []int32            // entry → member
	forms [][]rune           // entry → name form
	seen  map[int32]bool
	keys  []uint64
}

func newJoiner(r *Registry) *joiner {
	return &joiner{r: r, index: make(map[uint64][]int32), seen: make(map[int32]bool)}
}

// join calls emit for the pairs of members whose names may be similar
// (within nameLimit edits of each other; emit scores them).
func (j *joiner) join(ps []prepared, members []int32, emit func(a, b int32)) {
	r := j.r
	if len(members) <= smallGroup {
		for x := range members {
			for y := x + 1; y < len(members); y++ {
				if r.namesClose(ps[members[x]].names, ps[members[y]].names) {
					emit(members[x], members[y])
				}
			}
		}
		return
	}
	clear(j.index)
	j.owner, j.forms = j.owner[:0], j.forms[:0]
	for _, m := range members {
		for _, n := range ps[m].names {
			e := int32(len(j.forms))
			j.owner = append(j.owner, m)
			j.forms = append(j.forms, n)
			l := len(n)
			tau := r.tau(l)
			for i := 0; i <= tau; i++ {
				st, sl := segment(l, tau, i)
				h := segHash(l, i, n[st:st+sl])
				j.index[h] = append(j.index[h], e)
			}
		}
	}
	for e, n := range j.forms {
		me := j.owner[e]
		clear(j.seen)
		j.keys = r.nameProbes(j.keys[:0], n)
		for _, h := range j.keys {
			for _, f := range j.index[h] {
				other := j.owner[f]
				if other <= me || j.seen[other] {
					continue // each pair once, from its lower member
				}
				limit := r.nameLimit(n, j.forms[f])
				if levenshtein(n, j.forms[f], limit) <= limit {
					j.seen[other] = true
					emit(me, other)
				}
			}
		}
	}
}

// tau is the most edits a name of l runes may be from a similar one: a
// partner of length l' within d edits has d ≤ (1−θ)·max(l, l') and
// l' ≤ l + d, so d ≤ (1−θ)/θ · l; at least one (short CJK names one edit
// apart are RuleNameNear), and below l so that no segment is empty.
func (r *Registry) tau(l int) int {
	full := int((1-r.threshold)/r.threshold*float64(l) + 1e-9)
	return max(0, min(max(full, 1), l-1))
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

// segHash hashes (length, segment number, runes) with FNV-1a; a collision
// only costs a comparison, since every probe hit is verified.
func segHash(l, i int, seg []rune) uint64 {
	h := uint64(14695981039346656037)
	mix := func(v uint64) {
		h ^= v
		h *= 1099511628211
	}
	mix(uint64(l))
	mix(uint64(i) | 1<<40)
	for _, c := range seg {
		mix(uint64(c))
	}
	return h
}

// nameProbes returns the hashes under which every indexed name within its
// tau of n is found: for each length l that can be similar, each segment
// i, the substrings of n where segment i can land. If i is the first intact
// segment, the i segments before it hold an edit each and the shift s of
// its position costs |s| edits before it and |Δ−s| after it (Δ = len(n) −
// l), so max(i, |s|) + |Δ − s| ≤ tau.
func (r *Registry) nameProbes(ks []uint64, n []rune) []uint64 {
	ln := len(n)
	for l := 1; l <= 2*ln+2; l++ {
		tau := r.tau(l)
		delta := ln - l
		if delta > tau || -delta > tau {
			if l > ln {
				break // tau grows slower than l
			}
			continue
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
				ks = append(ks, segHash(l, i, n[p:p+sl]))
			}
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
