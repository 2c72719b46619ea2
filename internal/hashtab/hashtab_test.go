package hashtab

import (
	"math/rand/v2"
	"testing"
)

// TestTableMatchesMap drives the table and a Go map with the same random
// operations. Keys share few distinct home slots so probe runs are long and
// backward-shift deletion is exercised across the wrap-around.
func TestTableMatchesMap(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	var tab Table[int64]
	model := map[uint64]int64{}
	key := func() uint64 {
		// Few home slots (bits 6..9); the high bits tell keys apart.
		return uint64(r.IntN(16))<<6 | uint64(1+r.IntN(64))<<32
	}
	for i := range 200_000 {
		k := key()
		switch r.IntN(4) {
		case 0:
			if tab.Lookup(k) == nil {
				tab.Insert(k).Value = int64(i)
				model[k] = int64(i)
			}
		case 3: // Put, on present and absent keys alike
			tab.Put(k, int64(-i))
			model[k] = int64(-i)
		case 1:
			tab.Remove(k)
			delete(model, k)
		case 2:
			e := tab.Lookup(k)
			want, ok := model[k]
			if (e != nil) != ok || (ok && e.Value != want) {
				t.Fatalf("op %d: Lookup(%v) = %v, model has %v %v", i, k, e, want, ok)
			}
		}
		if tab.Len() != len(model) {
			t.Fatalf("op %d: table holds %d, model %d", i, tab.Len(), len(model))
		}
	}
	for k, want := range model {
		if e := tab.Lookup(k); e == nil || e.Value != want {
			t.Fatalf("final Lookup(%v) = %v, want %d", k, e, want)
		}
	}
}

// TestPointerValues checks a table of pointers keeps what it points to
// reachable and drops it on Remove.
func TestPointerValues(t *testing.T) {
	var tab Table[*string]
	s := "kept"
	tab.Insert(7 << 6).Value = &s
	if e := tab.Lookup(7 << 6); e == nil || *e.Value != "kept" {
		t.Fatalf("Lookup = %v", e)
	}
	tab.Remove(7 << 6)
	if tab.Lookup(7<<6) != nil || tab.Len() != 0 {
		t.Fatal("Remove left the key")
	}
}

// TestReserveAndClear: a reserved table takes that many keys without
// growing; Clear empties it and keeps the memory.
func TestReserveAndClear(t *testing.T) {
	var tab Table[int]
	tab.Reserve(1000)
	size := len(tab.entries)
	if size < 2000 {
		t.Fatalf("Reserve(1000) made %d slots", size)
	}
	for k := uint64(1); k <= 1000; k++ {
		tab.Insert(k << 6).Value = int(k)
	}
	if len(tab.entries) != size {
		t.Fatalf("grew from %d to %d slots", size, len(tab.entries))
	}
	tab.Clear()
	if tab.Len() != 0 || len(tab.entries) != size || tab.Lookup(5<<6) != nil {
		t.Fatalf("after Clear: %d keys, %d slots", tab.Len(), len(tab.entries))
	}
	tab.Insert(5 << 6).Value = 5
	if e := tab.Lookup(5 << 6); e == nil || e.Value != 5 {
		t.Fatal("a cleared table does not take keys again")
	}
}

// TestWarm: Warm reads the home slots (their sum, here, of keys sitting at
// home) and changes nothing.
func TestWarm(t *testing.T) {
	var tab Table[int]
	if tab.Warm(1<<6) != 0 {
		t.Fatal("Warm on an empty table")
	}
	for k := uint64(1); k <= 100; k++ {
		tab.Insert(k << 6).Value = int(k)
	}
	if got := tab.Warm(3<<6) + tab.Warm(7<<6); got != 10<<6 || tab.Len() != 100 {
		t.Fatalf("Warm = %d, Len = %d", got, tab.Len())
	}
	if e := tab.Lookup(7 << 6); e == nil || e.Value != 7 {
		t.Fatal("Warm changed the table")
	}
}
