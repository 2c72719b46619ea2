package autoreply

import (
	"bytes"
	"slices"
)

// automaton is an Aho–Corasick automaton over the bytes of normalized
// keywords. It is built once by New and never modified, so any number of
// goroutines may scan with it.
//
// Layout: states are numbered breadth first, so the shallow ones a scan
// visits most sit together in memory. The root and every state with many
// children (UTF-8 lead bytes among them) have a complete 256-entry row,
// failure links already followed: one load per byte. The other states keep
// their edges sorted by byte in one shared array, searched linearly when
// short and by binary search when long, and fall back along failure links.
// Each state records the pattern ending there (if any) and a dictionary link
// to the longest proper suffix state where a pattern ends, so a scan reports
// every occurrence of every pattern in time linear in the text plus the
// number of matches, whatever the number of keywords.
//
// Building sorts the patterns and lays out the trie in one pass over them
// (each shares its prefix with the previous one), with no hash lookups; a
// pattern equal to its predecessor is a duplicate.
type automaton struct {
	states []acState
	labels []byte  // edge labels, grouped by state, sorted within a state
	target []int32 // edge targets, parallel to labels
	rows   []int32 // complete transition rows, 256 entries each
}

type acState struct {
	first int32 // index of the first edge in labels/target
	n     int32 // number of edges
	fail  int32
	out   int32 // pattern ending here, or -1
	dict  int32 // nearest suffix state with out >= 0, or 0
	row   int32 // offset of the state's row in rows, or -1
}

// Dense rows: a state gets one when it has at least denseChildren
// children, up to maxRows rows (1 MiB).
const (
	denseChildren = 6
	maxRows       = 1024
)

// acBuilder collects patterns; build sorts them and lays out the trie in
// one pass over the sorted list, sharing each pattern's prefix with the
// previous one, so building needs no hash lookups.
type acBuilder struct {
	arena []byte  // all patterns, back to back
	ends  []int32 // end offset of each pattern in arena
}

func newACBuilder(patterns, bytes int) *acBuilder {
	return &acBuilder{arena: make([]byte, 0, bytes), ends: make([]int32, 0, patterns)}
}

// add appends a pattern; ids are given in order from 0.
func (b *acBuilder) add(p []byte) {
	b.arena = append(b.arena, p...)
	b.ends = append(b.ends, int32(len(b.arena)))
}

func (b *acBuilder) pattern(id int32) []byte {
	start := int32(0)
	if id > 0 {
		start = b.ends[id-1]
	}
	return b.arena[start:b.ends[id]]
}

// build freezes the patterns into an automaton. If two patterns have the same
// bytes it returns their ids (the lower first) and no automaton.
func (b *acBuilder) build() (a *automaton, dupA, dupB int32) {
	ids := make([]int32, len(b.ends))
	for i := range ids {
		ids[i] = int32(i)
	}
	slices.SortFunc(ids, func(x, y int32) int {
		if c := bytes.Compare(b.pattern(x), b.pattern(y)); c != 0 {
			return c
		}
		return int(x - y)
	})
	// The trie, states numbered in creation order; parent/label per state.
	parent := make([]int32, 1, len(b.arena)+1)
	label := make([]byte, 1, len(b.arena)+1)
	out := make([]int32, 1, len(b.arena)+1)
	out[0] = -1
	var path []int32 // states along the previous pattern
	var prev []byte
	for _, id := range ids {
		p := b.pattern(id)
		lcp := 0
		for lcp < len(p) && lcp < len(prev) && p[lcp] == prev[lcp] {
			lcp++
		}
		if lcp == len(p) && len(p) == len(prev) {
			return nil, out[path[len(path)-1]], id
		}
		path = path[:lcp]
		s := int32(0)
		if lcp > 0 {
			s = path[lcp-1]
		}
		for _, c := range p[lcp:] {
			parent = append(parent, s)
			label = append(label, c)
			out = append(out, -1)
			s = int32(len(out) - 1)
			path = append(path, s)
		}
		out[s] = id
		prev = p
	}
	n := len(out)
	// Children of each state, grouped by parent (counting sort). Sorted
	// insertion created each state's children in increasing label order.
	start := make([]int32, n+1)
	for s := 1; s < n; s++ {
		start[parent[s]+1]++
	}
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	kids := make([]int32, n-1)
	fill := append([]int32(nil), start[:n]...)
	for s := 1; s < n; s++ {
		kids[fill[parent[s]]] = int32(s)
		fill[parent[s]]++
	}
	order := make([]int32, 1, n) // breadth-first order
	newID := make([]int32, n)
	for q := 0; q < len(order); q++ {
		old := order[q]
		for _, c := range kids[start[old]:start[old+1]] {
			newID[c] = int32(len(order))
			order = append(order, c)
		}
	}
	a = &automaton{
		states: make([]acState, n),
		labels: make([]byte, 0, n-1),
		target: make([]int32, 0, n-1),
	}
	for id, old := range order {
		st := &a.states[id]
		st.first = int32(len(a.labels))
		st.n = start[old+1] - start[old]
		st.out = out[old]
		for _, c := range kids[start[old]:start[old+1]] {
			a.labels = append(a.labels, label[c])
			a.target = append(a.target, newID[c])
		}
	}
	for i := range a.states {
		a.states[i].row = -1
	}
	// Failure and dictionary links and rows, breadth first: a state's links
	// and row depend only on shallower states.
	for s := 0; s < n; s++ {
		st := &a.states[s]
		if s == 0 || st.n >= denseChildren && len(a.rows) < maxRows*256 {
			row := make([]int32, 256)
			for c := range row {
				if s != 0 {
					row[c] = a.step(st.fail, byte(c))
				}
			}
			for e := st.first; e < st.first+st.n; e++ {
				row[a.labels[e]] = a.target[e]
			}
			st.row = int32(len(a.rows))
			a.rows = append(a.rows, row...)
		}
		for e := st.first; e < st.first+st.n; e++ {
			c, child := a.labels[e], a.target[e]
			f := int32(0)
			if s != 0 {
				f = a.step(st.fail, c)
			}
			cs := &a.states[child]
			cs.fail = f
			if a.states[f].out >= 0 {
				cs.dict = f
			} else {
				cs.dict = a.states[f].dict
			}
		}
	}
	return a, -1, -1
}

// step is the automaton's transition function.
func (a *automaton) step(s int32, c byte) int32 {
	for {
		st := &a.states[s]
		if st.row >= 0 {
			return a.rows[st.row+int32(c)]
		}
		lo, hi := st.first, st.first+st.n
		if st.n <= 8 {
			for e := lo; e < hi; e++ {
				if a.labels[e] == c {
					return a.target[e]
				}
			}
		} else {
			for lo < hi {
				m := int32(uint32(lo+hi) >> 1)
				if a.labels[m] < c {
					lo = m + 1
				} else {
					hi = m
				}
			}
			if lo < st.first+st.n && a.labels[lo] == c {
				return a.target[lo]
			}
		}
		s = st.fail
	}
}

// scan calls fn(pattern, end) for every occurrence of every pattern in text,
// in order of end offset (and, at one end, longest pattern first).
func (a *automaton) scan(text []byte, fn func(pattern int32, end int)) {
	s := int32(0)
	for i := 0; i < len(text); i++ {
		if r := a.states[s].row; r >= 0 {
			s = a.rows[r+int32(text[i])]
		} else {
			s = a.step(s, text[i])
		}
		st := &a.states[s]
		if st.out < 0 && st.dict == 0 {
			continue
		}
		if st.out >= 0 {
			fn(st.out, i+1)
		}
		for d := st.dict; d != 0; d = a.states[d].dict {
			fn(a.states[d].out, i+1)
		}
	}
}
