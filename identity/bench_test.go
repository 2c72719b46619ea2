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
//	go test -run='^$' -bench=Scan -benchtime=1x ./identity/
//	go test -run='^$' -bench='Phone|Similarity' -benchtime=200000x ./identity/
//
// Big stores are built before b.Loop, so the build is not timed.

// benchRegistry fills a registry with n customers of the realistic
// generator; after the first tenth, each new customer is with probability
// dupRate a planted duplicate of an earlier one. It returns the planted
// (original, duplicate) pairs.
func benchRegistry(tb testing.TB, n int, dupRate float64) (*Registry, [][2]*Profile) {
	tb.Helper()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	reg, err := New(Config{Clock: func() time.Time { return now }, DefaultRegion: "HK"})
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(42, uint64(n)))
	gen := newPeopleGen(rng, now)
	people := make([]*Profile, 0, n)
	var dups [][2]*Profile
	for i := range n {
		p := gen.person(i)
		if i > n/10 && rng.Float64() < dupRate {
			orig := people[rng.IntN(i)]
			p = gen.duplicateOf(orig, i)
			dups = append(dups, [2]*Profile{orig, p})
		}
		// Stored as generated: no re-validation of the numbers.
		p.Created, p.Updated = now, now
		if err := reg.put(context.Background(), p); err != nil {
			tb.Fatal(err)
		}
		people = append(people, p)
	}
	runtime.GC()
	return reg, dups
}

// scanFigures are what BenchmarkScan reports: recall over the planted
// duplicates whose evidence meets the rule, the pairs of the rule's
// classes, and the ClassNameOnly pairs apart.
type scanFigures struct {
	recall, pairs, nameOnly, planted, eligible float64
}

func figures(reg *Registry, dups [][2]*Profile, found map[[2]string]Class) scanFigures {
	f := scanFigures{planted: float64(len(dups))}
	for _, c := range found {
		if c == ClassNameOnly {
			f.nameOnly++
		} else {
			f.pairs++
		}
	}
	hit := 0
	for _, d := range dups {
		if _, ok := reg.score(reg.prepare(d[0]), reg.prepare(d[1]), false); !ok {
			continue // no evidence the rule can see: not eligible
		}
		f.eligible++
		a, b := d[0].ID, d[1].ID
		if a > b {
			a, b = b, a
		}
		if c, ok := found[[2]string{a, b}]; ok && c != ClassNameOnly {
			hit++
		}
	}
	if f.eligible > 0 {
		f.recall = float64(hit) / f.eligible
	}
	return f
}

func (f scanFigures) report(b *testing.B) {
	b.ReportMetric(f.recall, "recall")
	b.ReportMetric(f.pairs, "pairs")
	b.ReportMetric(f.nameOnly, "name-only-pairs")
	b.ReportMetric(f.planted, "planted")
	b.ReportMetric(f.eligible, "eligible")
	b.ReportMetric(f.pairs/f.planted, "pairs/planted")
}

// BenchmarkScan: a full duplicate scan of 200,000 realistic profiles with
// 7 % planted duplicates (targets: ≤ 20 s, recall ≥ 0.95 on the planted
// duplicates the rule can see, pairs ≤ 3× planted), and on 5,000 profiles
// beside the all-pairs baseline.
func BenchmarkScan(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{200_000, 5_000} {
		reg, dups := benchRegistry(b, n, 0.07)
		b.Run(fmt.Sprintf("blocked-%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var pairs []Pair
			for b.Loop() {
				var err error
				if pairs, err = reg.Scan(ctx); err != nil {
					b.Fatal(err)
				}
			}
			found := make(map[[2]string]Class, len(pairs))
			for _, p := range pairs {
				found[[2]string{p.A, p.B}] = p.Class
			}
			figures(reg, dups, found).report(b)
		})
		if n > 5_000 {
			continue
		}
		b.Run(fmt.Sprintf("baseline-all-pairs-%d", n), func(b *testing.B) {
			ps := allProfiles(b, reg)
			b.ReportAllocs()
			var found map[[2]string]Class
			for b.Loop() {
				found = allPairs(reg, ps)
			}
			figures(reg, dups, found).report(b)
		})
	}
}

// allProfiles loads every profile of the store, for the baselines.
func allProfiles(tb testing.TB, reg *Registry) []*Profile {
	tb.Helper()
	var ps []*Profile
	after := ""
	for {
		page, err := reg.profiles.ListProfiles(context.Background(), after, 1000)
		if err != nil {
			tb.Fatal(err)
		}
		ps = append(ps, page...)
		if len(page) < 1000 {
			return ps
		}
		after = page[len(page)-1].ID
	}
}

// BenchmarkNormalizePhone: a returning customer's number through the
// Registry's cache, beside parsing it every time.
func BenchmarkNormalizePhone(b *testing.B) {
	inputs := []struct{ raw, region string }{
		{"(852) 9123 4567", "HK"}, {"0066 89 123 4567", "TH"}, {"+86 138 0013 8000", "CN"}, {"0912-345-678", "TW"},
	}
	b.Run("cached", func(b *testing.B) {
		c := NewPhoneCache(4096)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			in := inputs[i%len(inputs)]
			i++
			if _, err := c.Normalize(in.raw, in.region); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-uncached", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			in := inputs[i%len(inputs)]
			i++
			if _, err := NormalizePhone(in.raw, in.region); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkNameSimilarity: comparing the normalized forms stored with the
// profiles, beside the old path that normalized both names on every
// comparison, and a plain rune Levenshtein (full matrix) as a reference.
func BenchmarkNameSimilarity(b *testing.B) {
	x, y := "Maria Fernanda Souza", "SOUSA, Maria Fernanda"
	nx, ny := NormalizeName(x), NormalizeName(y)
	b.Run("normalized", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			NormalizedSimilarity(nx, ny)
		}
	})
	b.Run("baseline-normalize-each-time", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			NameSimilarity(x, y)
		}
	})
	b.Run("reference-plain-rune-levenshtein", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			plainLevenshtein(nx, ny)
		}
	})
}

func BenchmarkNormalizeName(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		NormalizeName("ＣＨＡＮ Tai-Man, José")
	}
}

// BenchmarkResolve: Resolve by address on 100,000 profiles, returning a
// masked copy (no target since the shared views went; for the record),
// beside a plain map lookup.
func BenchmarkResolve(b *testing.B) {
	ctx := context.Background()
	const n = 100_000
	reg, _ := benchRegistry(b, n, 0)
	addr := func(i int) channel.Address {
		return channel.Address{Channel: channel.LINE, ID: fmt.Sprintf("U%032d", i)}
	}
	b.Run("copy", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i = (i + 7919) % n
			if _, err := reg.Resolve(ctx, addr(i), Hints{Scope: "prov"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-map-lookup", func(b *testing.B) {
		m := make(map[channel.Address]string, n)
		for i := range n {
			m[addr(i)] = fmt.Sprintf("p%07d", i)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i = (i + 7919) % n
			if m[addr(i)] == "" {
				b.Fatal("miss")
			}
		}
	})
}

// plainLevenshtein is the textbook one-row rune Levenshtein, the way
// agnivade/levenshtein computes it: the reference the issue compared with.
func plainLevenshtein(a, b string) int {
	s1, s2 := []rune(a), []rune(b)
	if len(s1) > len(s2) {
		s1, s2 = s2, s1
	}
	row := make([]int, len(s1)+1)
	for i := range row {
		row[i] = i
	}
	for i := 1; i <= len(s2); i++ {
		prev := i
		for j := 1; j <= len(s1); j++ {
			cur := row[j-1]
			if s2[i-1] != s1[j-1] {
				cur = min(row[j-1]+1, prev+1, row[j]+1)
			}
			row[j-1] = prev
			prev = cur
		}
		row[len(s1)] = prev
	}
	return row[len(s1)]
}
