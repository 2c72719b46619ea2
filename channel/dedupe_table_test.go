package channel

import (
	"math/rand/v2"
	"testing"
)

// TestDedupeTableMatchesMap drives the open-addressing table and a Go map
// with the same random operations. Keys share few distinct home slots so
// probe runs are long and backward-shift deletion is exercised across the
// wrap-around.
func TestDedupeTableMatchesMap(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	var tab dedupeTable
	model := map[dedupeKey]uint64{}
	key := func() dedupeKey {
		// a: few home slots (bits 6..9) plus the zero key; b distinguishes.
		return dedupeKey{a: uint64(r.IntN(16)) << 6, b: uint64(r.IntN(64))}
	}
	for i := range 200_000 {
		k := key()
		switch r.IntN(3) {
		case 0:
			if tab.lookup(k) == nil {
				tab.insert(k).seq = uint64(i)
				model[k] = uint64(i)
			}
		case 1:
			tab.remove(k)
			delete(model, k)
		case 2:
			e := tab.lookup(k)
			want, ok := model[k]
			if (e != nil) != ok || (ok && e.seq != want) {
				t.Fatalf("op %d: lookup(%v) = %v, model has %v %v", i, k, e, want, ok)
			}
		}
		if tab.n != len(model) {
			t.Fatalf("op %d: table holds %d, model %d", i, tab.n, len(model))
		}
	}
	for k, want := range model {
		if e := tab.lookup(k); e == nil || e.seq != want {
			t.Fatalf("final lookup(%v) = %v, want seq %d", k, e, want)
		}
	}
}
