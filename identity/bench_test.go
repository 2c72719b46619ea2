package identity

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// Benchmarks of the targets, each beside its baseline:
//
//	go test -run='^$' -bench=. -benchtime=1x ./identity/   (the scan)
//	go test -run='^$' -bench=Million -benchtime=2s ./identity/
//
// Big stores are built once per benchmark, before b.Loop, so the build is
// not timed; sub-benchmarks share their parent's store.

// benchRegistry fills a registry with n synthetic customers; every fourth
// one after the first tenth is, with probability dupRate, a duplicate of an
// earlier one. It returns the injected (original, duplicate) pairs.
func benchRegistry(b *testing.B, n int, dupRate float64) (*Registry, [][2]string) {
	b.Helper()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	reg, err := New(Config{Clock: func() time.Time { return now }, DefaultRegion: "HK"})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(42, uint64(n)))
	gen := newPeopleGen(rng, now)
	var dups [][2]string
	for i := range n {
		p := gen.person(i)
		if i > n/10 && rng.Float64() < dupRate {
			orig, err := reg.store.Get(context.Background(), benchID(rng.IntN(i)))
			if err != nil {
				b.Fatal(err)
			}
			p = gen.duplicateOf(orig, i)
			dups = append(dups, [2]string{orig.ID, p.ID})
		}
		// Import without re-validating the generated numbers.
		p.Created, p.Updated = now, now
		if err := reg.store.Put(context.Background(), p, reg.keys(p)); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	return reg, dups
}

// benchID and benchAddr are the id and the LINE address of the i-th
// generated customer (see peopleGen.person).
func benchID(i int) string { return fmt.Sprintf("p%07d", i) }

func benchAddr(i int) channel.Address {
	return channel.Address{Channel: channel.LINE, ID: fmt.Sprintf("U%032d", i)}
}

// allProfiles loads every profile of the store, for the baselines.
func allProfiles(b *testing.B, reg *Registry) []*Profile {
	b.Helper()
	var ps []*Profile
	if err := reg.store.Range(context.Background(), func(p *Profile) bool { ps = append(ps, p); return true }); err != nil {
		b.Fatal(err)
	}
	return ps
}

// BenchmarkMillion: Resolve by address (target ≤ 1 µs) and Candidates for
// one profile (target ≤ 1 ms) on an in-memory store of 1,000,000 profiles.
func BenchmarkMillion(b *testing.B) {
	ctx := context.Background()
	const n = 1_000_000
	start := time.Now()
	reg, _ := benchRegistry(b, n, 0.05)
	b.Logf("built %d profiles in %v", n, time.Since(start).Round(time.Millisecond))
	rng := rand.New(rand.NewPCG(1, 1))
	hints := Hints{Scope: "prov"}

	// Addresses are prepared outside the loop: only Resolve is timed.
	const nAddr = 1 << 16
	addrs := make([]channel.Address, nAddr)
	ids := make([]string, nAddr)
	for j := range addrs {
		i := rng.IntN(n)
		addrs[j], ids[j] = benchAddr(i), benchID(i)
	}
	b.Run("Resolve", func(b *testing.B) {
		b.ReportAllocs()
		j := 0
		for b.Loop() {
			j = (j + 1) % nAddr
			got, err := reg.Resolve(ctx, addrs[j], hints)
			if err != nil || got.ID != ids[j] {
				b.Fatalf("Resolve: %v", err)
			}
		}
	})
	b.Run("Resolve/baseline-map-lookup", func(b *testing.B) {
		m := make(map[channel.Address]string, n)
		for i := range n {
			m[benchAddr(i)] = benchID(i)
		}
		b.ReportAllocs()
		b.ResetTimer()
		j := 0
		for b.Loop() {
			j = (j + 1) % nAddr
			if m[addrs[j]] != ids[j] {
				b.Fatal("miss")
			}
		}
	})
	b.Run("Candidates", func(b *testing.B) {
		b.ReportAllocs()
		found := 0
		for b.Loop() {
			cs, err := reg.Candidates(ctx, benchID(rng.IntN(n)))
			if err != nil {
				b.Fatal(err)
			}
			found += len(cs)
		}
		b.ReportMetric(float64(found)/float64(b.N), "candidates/op")
	})
	b.Run("Candidates/baseline-linear", func(b *testing.B) {
		prep := make([]prepared, 0, n)
		for _, p := range allProfiles(b, reg) {
			prep = append(prep, reg.prepare(p))
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			q := prep[rng.IntN(n)]
			for _, p := range prep {
				if p.ID != q.ID {
					reg.score(q, p)
				}
			}
		}
	})
}

// BenchmarkScan: a full duplicate scan of 200,000 profiles with injected
// duplicates (target ≤ 20 s, recall ≥ 0.95), beside the all-pairs baseline
// and the blocked scan on the same 5,000 profiles.
func BenchmarkScan(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{200_000, 5_000} {
		reg, dups := benchRegistry(b, n, 0.1)
		b.Run(fmt.Sprintf("blocked-%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var pairs []Pair
			for b.Loop() {
				var err error
				if pairs, err = reg.Scan(ctx); err != nil {
					b.Fatal(err)
				}
			}
			found := make(map[[2]string]bool, len(pairs))
			for _, p := range pairs {
				found[[2]string{p.A, p.B}] = true
			}
			b.ReportMetric(recall(dups, found), "recall")
			b.ReportMetric(float64(len(pairs)), "pairs")
			b.ReportMetric(float64(len(dups)), "injected")
		})
		if n > 5_000 {
			continue
		}
		b.Run(fmt.Sprintf("baseline-all-pairs-%d", n), func(b *testing.B) {
			ps := allProfiles(b, reg)
			b.ReportAllocs()
			b.ResetTimer()
			var found map[[2]string]bool
			for b.Loop() {
				found = allPairs(reg, ps)
			}
			b.ReportMetric(recall(dups, found), "recall")
			b.ReportMetric(float64(len(found)), "pairs")
		})
	}
}

func recall(dups [][2]string, found map[[2]string]bool) float64 {
	if len(dups) == 0 {
		return 1
	}
	hit := 0
	for _, d := range dups {
		a, c := d[0], d[1]
		if a > c {
			a, c = c, a
		}
		if found[[2]string{a, c}] {
			hit++
		}
	}
	return float64(hit) / float64(len(dups))
}

// BenchmarkNormalizeName and BenchmarkNormalizePhone are the per-message
// costs; NameSimilarity is beside the plain (unbanded) Levenshtein.
func BenchmarkNormalizeName(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		NormalizeName("ＣＨＡＮ Tai-Man, José")
	}
}

func BenchmarkNormalizePhone(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NormalizePhone("(852) 9123 4567", "HK"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLevenshtein(b *testing.B) {
	x, y := []rune("mariafernandasouza"), []rune("fernandamariasousa")
	b.Run("banded", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			levenshtein(x, y, 3)
		}
	})
	b.Run("baseline-full", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			naiveLevenshtein(x, y)
		}
	})
}
