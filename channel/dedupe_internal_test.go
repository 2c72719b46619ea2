package channel

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// mayHave reports, without adding k, whether the current and the previous
// generation may have k; false only for a key not added since its
// generation began.
func (f *dedupeFilter) mayHave(k uint64) (inCur, inPrev bool) {
	m := filterBits(k)
	cur, prev := f.halves(k)
	return has(cur, &m), has(prev, &m)
}

// TestDedupeFilter: no key added is ever reported absent, and at 10 bits
// a key about 1.3 % of the keys never added are reported present.
func TestDedupeFilter(t *testing.T) {
	t.Parallel()
	const n = 50_000
	f := newDedupeFilter(n)
	r := rand.New(rand.NewPCG(5, 6))
	keys := make([]uint64, n)
	for i := range keys {
		keys[i] = r.Uint64()
		f.add(keys[i])
	}
	for _, k := range keys {
		if cur, _ := f.mayHave(k); !cur {
			t.Fatalf("key %x added but reported absent", k)
		}
	}
	fp := 0
	for range n {
		if cur, _ := f.mayHave(r.Uint64()); cur {
			fp++
		}
	}
	if rate := float64(fp) / n; rate > 0.025 {
		t.Fatalf("false positive rate %.3f", rate)
	}
	// A rotation moves the keys to the previous generation; a second one
	// drops them.
	f.rotate()
	newer := r.Uint64()
	if cur, prev := f.add(newer); cur || prev {
		t.Fatalf("a key never added reported present: cur %v, prev %v", cur, prev)
	}
	for _, k := range keys {
		if _, prev := f.mayHave(k); !prev {
			t.Fatalf("key %x lost by a rotation", k)
		}
	}
	f.rotate()
	if cur, prev := f.mayHave(newer); cur || !prev {
		t.Fatalf("the newer key after a second rotation: cur %v, prev %v", cur, prev)
	}
	kept := 0
	for _, k := range keys {
		if _, prev := f.mayHave(k); prev {
			kept++
		}
	}
	if kept > n/50 {
		t.Fatalf("%d of %d keys kept after their generation was dropped", kept, n)
	}
}

// TestMemoryDedupeStoreMatchesModel drives the store and a map with
// expiries through the same random claims, releases and clock steps: every
// answer must agree, through the young table's flushes into the big
// tables, the filters, expiry and release in every tier. The first store
// is big enough never to drop a generation; the second one drops many, but
// its keys expire long before a key can be dropped.
func TestMemoryDedupeStoreMatchesModel(t *testing.T) {
	t.Parallel()
	t.Run("no drops", func(t *testing.T) {
		s := NewMemoryDedupeStore(1 << 20)
		matchModel(t, s, 40_000, func(r *rand.Rand) time.Duration { return time.Duration(r.IntN(120)) * time.Second },
			func(r *rand.Rand) time.Duration { return time.Duration(1+r.IntN(30)) * time.Minute })
		flushed := 0
		for i := range s.shards {
			flushed += s.shards[i].cur.Len()
		}
		if flushed == 0 {
			t.Fatal("no claim reached the big tables: the test did not exercise flush")
		}
	})
	t.Run("generations dropped", func(t *testing.T) {
		// 64 shards × (16 young + 2 × 56) keys. The clock moves a second
		// every tenth operation and a claim lives at most 200 s: 2,000
		// operations, about 1,600 claims or 25 a shard, fewer than the 56
		// a generation of each shard holds.
		s := NewMemoryDedupeStore(64 * 128)
		matchModel(t, s, 1_000_000, func(*rand.Rand) time.Duration { return time.Second },
			func(r *rand.Rand) time.Duration { return time.Duration(1+r.IntN(200)) * time.Second })
		if s.Len() > 64*128 {
			t.Fatalf("the store holds %d keys", s.Len())
		}
	})
}

// matchModel runs 300,000 random operations on keys below nkeys: clock
// steps of step(), releases, and claims with a TTL of ttl().
func matchModel(t *testing.T, s *MemoryDedupeStore, nkeys int, step, ttlOf func(*rand.Rand) time.Duration) {
	t.Helper()
	model := map[string]time.Time{} // key → expiry
	r := rand.New(rand.NewPCG(7, 8))
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	for op := range 300_000 {
		key := fmt.Sprint("whatsapp\x00m", r.IntN(nkeys))
		switch r.IntN(10) {
		case 0:
			now = now.Add(step(r))
		case 1:
			if err := s.Release(ctx, key); err != nil {
				t.Fatal(err)
			}
			delete(model, key)
		default:
			ttl := ttlOf(r)
			got, err := s.Claim(ctx, key, now, ttl)
			if err != nil {
				t.Fatal(err)
			}
			want := !model[key].After(now)
			if got != want {
				t.Fatalf("op %d: Claim(%q) = %v, model says %v", op, key, got, want)
			}
			if want {
				model[key] = now.Add(ttl)
			}
		}
	}
}

// TestDedupeShardSize: shards are 256 bytes, a multiple of the cache line,
// so that two cores claiming in neighbouring shards do not share a line.
func TestDedupeShardSize(t *testing.T) {
	if size := reflect.TypeFor[dedupeShard]().Size(); size != 256 {
		t.Fatalf("dedupeShard is %d bytes, want 256", size)
	}
}
