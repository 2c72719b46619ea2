package identity

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"latin tokens sorted", "Chan Tai Man", "chanmantai"},
		{"order and punctuation do not matter", "TAI-MAN, Chan", "chanmantai"},
		{"full-width", "Ｃｈａｎ　Ｔａｉ　Ｍａｎ", "chanmantai"},
		{"accents folded", "José  Álvarez", "alvarezjose"},
		{"vietnamese", "Nguyễn Văn An", "annguyenvan"},
		{"german sharp s folds", "Weiß", "weiss"},
		{"han kept in order", "王小明", "王小明"},
		{"han with spaces", "王 小明", "王小明"},
		{"half-width katakana", "ﾀﾅｶ ﾀﾛｳ", "タナカタロウ"},
		{"thai marks kept", "สมชาย ใจดี", "สมชายใจดี"},
		{"mixed scripts: han first, then sorted latin", "Wang 王小明 Xiaoming", "王小明wangxiaoming"},
		{"emoji and symbols removed", "🌸 Mary ♥ Lee", "leemary"},
		{"empty", "  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, NormalizeName(tt.in))
		})
	}
}

func TestNameSimilarity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, a, b string
		want       float64
	}{
		{"same after normalization", "Chan Tai Man", "man tai CHAN", 1},
		{"one typo in ten", "Chan Tai Man", "Chan Tai Mun", 0.9},
		{"3-char CJK one edit", "王小明", "王小名", 1 - 1.0/3},
		{"4-char CJK one edit", "欧阳小明", "欧阳晓明", 0.75},
		{"different", "Alice", "Bob", 0},
		{"empty", "", "Bob", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.InDelta(t, tt.want, NameSimilarity(tt.a, tt.b), 1e-9)
			assert.InDelta(t, tt.want, NameSimilarity(tt.b, tt.a), 1e-9, "symmetric")
		})
	}
}

func naiveLevenshtein(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+c)
		}
	}
	return d[len(a)][len(b)]
}

func TestLevenshteinBanded(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		a, b := randomWord(rng, 0, 12), randomWord(rng, 0, 12)
		want := naiveLevenshtein(a, b)
		limit := rng.IntN(8)
		got := levenshtein(a, b, limit)
		if want <= limit {
			require.Equal(t, want, got, "%q %q limit %d", string(a), string(b), limit)
		} else {
			require.Greater(t, got, limit, "%q %q limit %d", string(a), string(b), limit)
		}
	}
}

func randomWord(rng *rand.Rand, lo, hi int) []rune {
	n := lo + rng.IntN(hi-lo+1)
	w := make([]rune, n)
	for i := range w {
		w[i] = rune('a' + rng.IntN(4)) // a small alphabet makes near strings common
	}
	return w
}

// TestNameBlockingFindsEverySimilarName checks the Pass-Join probes of the
// scan's large groups against brute force: every name within nameLimit
// edits of a query (the rule's own bound) shares a segment with the
// query's probes, at several thresholds.
func TestNameBlockingFindsEverySimilarName(t *testing.T) {
	t.Parallel()
	for _, th := range []float64{0.8, 0.7, 0.9, 0.6} {
		r, err := New(Config{Threshold: th})
		require.NoError(t, err)
		rng := rand.New(rand.NewPCG(3, uint64(th*10)))
		words := make([][]rune, 300)
		for i := range words {
			words[i] = randomWord(rng, 1, 24)
		}
		words = append(words, []rune("王小明"), []rune("王小名"), []rune("欧阳小明"), []rune("欧阳小明明"), []rune("王明"),
			[]rune("jonathansmith"), []rune("jonothansmyth"))
		for i := range 150 { // near variants
			w := slices.Clone(words[i])
			if len(w) > 0 {
				w[rng.IntN(len(w))] = 'z'
			}
			words = append(words, w)
		}
		index := map[uint64][]int{}
		for i, w := range words {
			tau := r.tau(len(w))
			for s := 0; s <= tau; s++ {
				st, sl := segment(len(w), tau, s)
				h := segHash(len(w), s, w[st:st+sl])
				index[h] = append(index[h], i)
			}
		}
		for qi, q := range words {
			found := map[int]bool{}
			for _, k := range r.nameProbes(nil, q) {
				for _, i := range index[k] {
					found[i] = true
				}
			}
			for i, w := range words {
				limit := r.nameLimit(q, w)
				if !found[i] && levenshtein(q, w, limit) <= limit { // levenshtein is checked above
					t.Fatalf("threshold %v: %q (query %d) misses similar %q", th, string(q), qi, string(w))
				}
			}
		}
	}
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"Chan Tai Man", "王小明", "ＴＡＩ－ＭＡＮ", "José Álvarez", "สมชาย", "\xff\xfe", "a\u0301\u0301\u0301",
		"ﾀﾅｶ", "محمد علي", "", strings.Repeat("ab ", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeName(s)
		if !utf8.ValidString(n) {
			t.Fatalf("invalid UTF-8 from %q", s)
		}
		if strings.ContainsAny(n, " \t\n,.-") {
			t.Fatalf("separator left in %q", n)
		}
		if again := NormalizeName(n); again != n && utf8.RuneCountInString(s) <= maxNameRunes {
			// Idempotent on its own output, except that re-sorting can
			// merge tokens: the output has no separators left, so it is one
			// token and must come back unchanged.
			t.Fatalf("not idempotent: %q → %q → %q", s, n, again)
		}
		if sim := NameSimilarity(s, s); n != "" && sim != 1 {
			t.Fatalf("similarity of %q with itself is %v", s, sim)
		}
		// Comparing the stored normalized forms is the same comparison.
		const other = "Chan Tai Man"
		if a, b := NameSimilarity(s, other), NormalizedSimilarity(n, NormalizeName(other)); a != b {
			t.Fatalf("NameSimilarity %v, NormalizedSimilarity %v for %q", a, b, s)
		}
	})
}

func TestPlainLevenshteinReference(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 9))
	for range 500 {
		a, b := randomWord(rng, 0, 12), randomWord(rng, 0, 12)
		require.Equal(t, naiveLevenshtein(a, b), plainLevenshtein(string(a), string(b)), "%q %q", string(a), string(b))
	}
}
