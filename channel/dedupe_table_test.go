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
	model := map[uint64]int64{}
	key := func() uint64 {
		// Few home slots (bits 6..9); the high bits tell keys apart.
		return uint64(r.IntN(16))<<6 | uint64(1+r.IntN(64))<<32
	}
	for i := range 200_000 {
		k := key()
		switch r.IntN(3) {
		case 0:
			if tab.lookup(k) == nil {
				tab.insert(k).expires = int64(i)
				model[k] = int64(i)
			}
		case 1:
			tab.remove(k)
			delete(model, k)
		case 2:
			e := tab.lookup(k)
			want, ok := model[k]
			if (e != nil) != ok || (ok && e.expires != want) {
				t.Fatalf("op %d: lookup(%v) = %v, model has %v %v", i, k, e, want, ok)
			}
		}
		if tab.n != len(model) {
			t.Fatalf("op %d: table holds %d, model %d", i, tab.n, len(model))
		}
	}
	for k, want := range model {
		if e := tab.lookup(k); e == nil || e.expires != want {
			t.Fatalf("final lookup(%v) = %v, want %d", k, e, want)
		}
	}
}
