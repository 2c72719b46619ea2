package textsplit

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		s           string
		runes, u16s int
	}{
		{"empty", "", 0, 0},
		{"ascii", "hello", 5, 5},
		{"thai", "สวัสดี", 6, 6},
		{"cjk", "你好", 2, 2},
		{"emoji outside the BMP", "😀", 1, 2},
		{"family ZWJ sequence", "👨\u200d👩\u200d👧", 5, 8},
		{"flag", "🇯🇵", 2, 4},
		{"invalid bytes count one each", "a\xff\xfeb", 4, 4},
		{"truncated sequence", "\xe3\x81", 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.runes, Len(tt.s, Runes))
			assert.Equal(t, tt.u16s, Len(tt.s, UTF16))
		})
	}
}

func TestClusters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s    string
		want []string
	}{
		{"ascii", "ab", []string{"a", "b"}},
		{"crlf stays together", "\r\n\n", []string{"\r\n", "\n"}},
		{"combining acute", "e\u0301x", []string{"e\u0301", "x"}},
		{"thai vowel and tone marks", "ที่นี่", []string{"ที่", "นี่"}},
		{"thai sara am", "น้ำ", []string{"น้ำ"}},
		{"thai leading vowel is its own cluster", "เก", []string{"เ", "ก"}},
		{"variation selector", "❤\ufe0fa", []string{"❤\ufe0f", "a"}},
		{"skin tone", "👍🏽👍", []string{"👍🏽", "👍"}},
		{"zwj family", "👨\u200d👩\u200d👧x", []string{"👨\u200d👩\u200d👧", "x"}},
		{"flags pair up", "🇯🇵🇹🇭🇺", []string{"🇯🇵", "🇹🇭", "🇺"}},
		{"subdivision flag tags", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F!",
			[]string{"🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", "!"}},
		{"hangul jamo", "\u1100\u1161\u11a8가", []string{"\u1100\u1161\u11a8", "가"}},
		{"mark after newline is separate", "\n\u0301", []string{"\n", "\u0301"}},
		{"invalid byte alone", "a\xff\u0301", []string{"a", "\xff", "\u0301"}},
		{"zwj before a letter breaks", "a\u200db", []string{"a\u200d", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, clusters(tt.s))
		})
	}
}

func clusters(s string) []string {
	var out []string
	for s != "" {
		n := clusterLen(s)
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

func TestSplit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		s     string
		limit int
		unit  Unit
		want  []string
	}{
		{"empty", "", 10, Runes, nil},
		{"fits unchanged", "  hello  ", 10, Runes, []string{"  hello  "}},
		{"paragraph before line", "aaaa\nbbbb\n\ncc dd", 14, Runes, []string{"aaaa\nbbbb", "cc dd"}},
		{"line before sentence", "One. Two.\nThree four", 14, Runes, []string{"One. Two.", "Three four"}},
		{"sentence before space", "Hello there. How are you", 20, Runes, []string{"Hello there.", "How are you"}},
		{"decimal point is no sentence end", "Pay 3.50 now ok", 10, Runes, []string{"Pay 3.50", "now ok"}},
		{"cjk sentence end needs no space", "你好。我们在这里。谢谢", 6, Runes, []string{"你好。", "我们在这里。", "谢谢"}},
		{"fullwidth question mark", "どこ？あそこです", 5, Runes, []string{"どこ？", "あそこです"}},
		{"space", "alpha beta gamma", 11, Runes, []string{"alpha beta", "gamma"}},
		{"early break not taken", "Hi! abcdefghijklmnop", 10, Runes, []string{"Hi! abcdef", "ghijklmnop"}},
		{"hard cut without breaks", "abcdefghij", 4, Runes, []string{"abcd", "efgh", "ij"}},
		{"thai without spaces keeps marks", "ที่นี่ที่นี่", 4, Runes, []string{"ที่", "นี่", "ที่", "นี่"}},
		{"surrogate pair never cut", "😀😀😀", 3, UTF16, []string{"😀", "😀", "😀"}},
		{"runes count emoji once", "😀😀😀", 2, Runes, []string{"😀😀", "😀"}},
		{"zwj family whole", "ab👨\u200d👩\u200d👧", 8, UTF16, []string{"ab", "👨\u200d👩\u200d👧"}},
		{"flags whole", "🇯🇵🇹🇭", 5, UTF16, []string{"🇯🇵", "🇹🇭"}},
		{"whitespace at cut dropped", "aaaa     bbbb", 6, Runes, []string{"aaaa", "bbbb"}},
		{"all whitespace", "      ", 2, Runes, nil},
		{"whitespace that fits", " \n", 10, Runes, nil},
		{"oversized cluster cut between code points", "e\u0301\u0301\u0301", 2, Runes, []string{"e\u0301", "\u0301\u0301"}},
		{"limit raised to one code point", "😀a", 1, UTF16, []string{"😀", "a"}},
		{"zero limit", "ab", 0, Runes, []string{"a", "b"}},
		{"invalid utf8 kept", "ab\xffcd\xfe", 3, Runes, []string{"ab\xff", "cd\xfe"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Split(tt.s, tt.limit, tt.unit)
			assert.Equal(t, tt.want, got)
			checkSplit(t, tt.s, tt.limit, tt.unit, got)
		})
	}
}

func TestSplitLongText(t *testing.T) {
	t.Parallel()
	para := strings.Repeat("Your parcel is on its way. ", 40) // 1080 runes
	s := strings.Repeat(para+"\n\n", 12)
	parts := Split(s, 5000, UTF16)
	require.Len(t, parts, 3)
	for _, p := range parts {
		assert.True(t, strings.HasSuffix(strings.TrimSpace(p), "way."), "cut at a paragraph: %q", p[len(p)-10:])
	}
	checkSplit(t, s, 5000, UTF16, parts)
}

// checkSplit asserts the properties Split promises.
func checkSplit(t *testing.T, s string, limit int, unit Unit, parts []string) {
	t.Helper()
	limit = max(limit, minLimit(unit))
	for i, p := range parts {
		assert.LessOrEqual(t, Len(p, unit), limit, "part %d too long", i)
		assert.NotEmpty(t, strings.TrimFunc(p, unicode.IsSpace), "part %d is blank", i)
	}
	var kept strings.Builder // part by part: joining could fuse invalid bytes
	for _, p := range parts {
		kept.WriteString(nonSpace(p))
	}
	assert.Equal(t, nonSpace(s), kept.String(), "content lost or reordered")

	bounds := map[int]bool{0: true, len(s): true}
	runeBounds := map[int]bool{len(s): true}
	for i := 0; i < len(s); {
		runeBounds[i] = true
		_, w := decode(s[i:])
		i += w
	}
	maxCluster := 0
	for i := 0; i < len(s); {
		n := clusterLen(s[i:])
		maxCluster = max(maxCluster, Len(s[i:i+n], unit))
		i += n
		bounds[i] = true
	}
	if len(parts) < 2 {
		return
	}
	off := 0
	for i, p := range parts {
		start := locate(s, p, off, runeBounds)
		if !assert.GreaterOrEqual(t, start, 0, "part %d is not a piece of s", i) {
			return
		}
		end := start + len(p)
		if maxCluster <= limit {
			assert.True(t, bounds[start], "part %d starts inside a cluster", i)
			assert.True(t, bounds[end], "part %d ends inside a cluster", i)
		}
		assert.True(t, runeBounds[start] && runeBounds[end], "part %d cuts inside a code point", i)
		off = end
	}
}

// locate finds p in s at or after off, starting on a code point boundary (an
// invalid byte of p may also match inside a valid sequence of s).
func locate(s, p string, off int, runeBounds map[int]bool) int {
	for off <= len(s) {
		at := strings.Index(s[off:], p)
		if at < 0 {
			return -1
		}
		if runeBounds[off+at] && runeBounds[off+at+len(p)] {
			return off + at
		}
		off += at + 1
	}
	return -1
}

func nonSpace(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := decode(s[i:])
		if w == 1 && r == utf8.RuneError || !unicode.IsSpace(r) {
			b.WriteString(s[i : i+w])
		}
		i += w
	}
	return b.String()
}

func FuzzSplit(f *testing.F) {
	seeds := []string{
		"", "hello world. how are you?\n\nfine", "ที่นี่ที่นี่ ที่นี่", "👨\u200d👩\u200d👧🇯🇵🇹🇭",
		"e\u0301\u0301\u0301 a", "a\xff\xfe\u0301b", "你好。我们在这里。", " \r\n \u0301 x",
	}
	for _, s := range seeds {
		f.Add(s, 5, false)
		f.Add(s, 2, true)
	}
	f.Fuzz(func(t *testing.T, s string, limit int, utf16 bool) {
		limit = limit % 64
		unit := Runes
		if utf16 {
			unit = UTF16
		}
		checkSplit(t, s, limit, unit, Split(s, limit, unit))
	})
}

func BenchmarkSplit(b *testing.B) {
	s := strings.Repeat("Your parcel is on its way. พัสดุของคุณกำลังจัดส่ง 😀\n", 400)
	b.ReportAllocs()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Split(s, 5000, UTF16)
	}
}

func TestSplitHugeClusterIsLinear(t *testing.T) {
	t.Parallel()
	s := "e" + strings.Repeat("\u0301", 200_000)
	parts := Split(s, 10, UTF16) // quadratic scanning would take minutes
	require.Len(t, parts, 20_001)
	checkSplit(t, s[:2001], 10, UTF16, Split(s[:2001], 10, UTF16))
}
