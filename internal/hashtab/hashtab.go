// Package hashtab is an open-addressing hash table keyed by 64-bit hashes,
// for the SDK's hot in-memory indexes (the dedupe store, identity's link
// index). Each entry is the key and its value side by side, so a lookup in
// a table far bigger than the CPU caches costs one cache miss where a Go map
// costs two or three (control word, slot, then the key's own memory).
//
// Keys must already be uniform hashes (maphash output): the table uses them
// as they are. Key 0 marks an empty slot, so callers map a zero hash to
// another value. Bits 0–5 of a key are not used to place it, so a caller may
// shard tables by them.
//
// A Table is not safe for concurrent use; its owner locks around it.
package hashtab

// Table is a linear-probing hash table from non-zero uint64 keys to V,
// kept at most half full. The zero value is an empty table.
type Table[V any] struct {
	entries []Entry[V]
	n       int
}

// Entry is one slot of a Table.
type Entry[V any] struct {
	Key   uint64
	Value V
}

// Len returns the number of keys held.
func (t *Table[V]) Len() int { return t.n }

func (t *Table[V]) home(k uint64) int {
	return int((k >> 6) & uint64(len(t.entries)-1))
}

// Lookup returns the entry of k, or nil. The pointer is valid until the
// next Insert or Remove.
func (t *Table[V]) Lookup(k uint64) *Entry[V] {
	if t.n == 0 {
		return nil
	}
	mask := len(t.entries) - 1
	for i := t.home(k); ; i = (i + 1) & mask {
		e := &t.entries[i]
		if e.Key == k {
			return e
		}
		if e.Key == 0 {
			return nil
		}
	}
}

// Insert adds k, which must be absent and non-zero, with a zero value and
// returns its entry (valid until the next Insert or Remove).
func (t *Table[V]) Insert(k uint64) *Entry[V] {
	if (t.n+1)*2 > len(t.entries) {
		t.grow()
	}
	mask := len(t.entries) - 1
	i := t.home(k)
	for t.entries[i].Key != 0 {
		i = (i + 1) & mask
	}
	t.n++
	t.entries[i] = Entry[V]{Key: k}
	return &t.entries[i]
}

// Put sets the value of k, which must be non-zero, inserting k if it is
// absent: one probe where Lookup then Insert would take two.
func (t *Table[V]) Put(k uint64, v V) {
	if (t.n+1)*2 > len(t.entries) {
		t.grow()
	}
	mask := len(t.entries) - 1
	for i := t.home(k); ; i = (i + 1) & mask {
		e := &t.entries[i]
		if e.Key == k {
			e.Value = v
			return
		}
		if e.Key == 0 {
			*e = Entry[V]{Key: k, Value: v}
			t.n++
			return
		}
	}
}

// Reserve makes room for n keys, so that inserting up to n keys in all
// grows nothing.
func (t *Table[V]) Reserve(n int) {
	for 2*n > len(t.entries) {
		t.grow()
	}
}

func (t *Table[V]) grow() {
	old := t.entries
	t.entries = make([]Entry[V], max(16, 2*len(old)))
	mask := len(t.entries) - 1
	for _, e := range old {
		if e.Key == 0 {
			continue
		}
		i := t.home(e.Key)
		for t.entries[i].Key != 0 {
			i = (i + 1) & mask
		}
		t.entries[i] = e
	}
}

// Remove deletes k if present. Later entries of its probe run shift back
// into the hole, so lookups never meet tombstones.
func (t *Table[V]) Remove(k uint64) {
	if t.Lookup(k) == nil {
		return
	}
	mask := len(t.entries) - 1
	i := t.home(k)
	for t.entries[i].Key != k {
		i = (i + 1) & mask
	}
	t.n--
	for j := (i + 1) & mask; ; j = (j + 1) & mask {
		if t.entries[j].Key == 0 {
			break
		}
		home := t.home(t.entries[j].Key)
		// Move entry j into the hole at i unless its home lies cyclically
		// in (i, j]: then it is already reachable.
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			t.entries[i] = t.entries[j]
			i = j
		}
	}
	t.entries[i] = Entry[V]{}
}

// Clear removes every key and keeps the memory for reuse.
func (t *Table[V]) Clear() {
	clear(t.entries)
	t.n = 0
}

// Warm loads the home slot of k and returns the key it holds, for the
// caller to keep so that the load is not optimized away. Called for each
// of a batch of keys before inserting them into a table larger than the
// CPU caches, it lets their cache misses overlap, where inserting one by
// one waits for each in turn.
func (t *Table[V]) Warm(k uint64) uint64 {
	if len(t.entries) == 0 {
		return 0
	}
	return t.entries[t.home(k)].Key
}
