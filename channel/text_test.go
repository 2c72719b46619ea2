package channel_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/channel"
)

func TestTextLen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		s                  string
		runes, u16s, bytes int
	}{
		{"empty", "", 0, 0, 0},
		{"ascii", "hello", 5, 5, 5},
		{"thai", "สวัสดี", 6, 6, 18},
		{"cjk", "你好", 2, 2, 6},
		{"emoji outside the BMP", "😀", 1, 2, 4},
		{"family ZWJ sequence", "👨\u200d👩\u200d👧", 5, 8, 18},
		{"flag", "🇯🇵", 2, 4, 8},
		{"invalid bytes count one each", "a\xff\xfeb", 4, 4, 4},
		{"truncated sequence", "\xe3\x81", 2, 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.runes, channel.TextLen(tt.s, channel.CodePoints))
			assert.Equal(t, tt.u16s, channel.TextLen(tt.s, channel.UTF16Units))
			assert.Equal(t, tt.bytes, channel.TextLen(tt.s, channel.UTF8Bytes))
		})
	}
}

func TestSplitText(t *testing.T) {
	t.Parallel()
	const (
		runes = channel.CodePoints
		utf16 = channel.UTF16Units
		bytes = channel.UTF8Bytes
	)
	tests := []struct {
		name  string
		s     string
		limit int
		unit  channel.LengthUnit
		want  []string
	}{
		{"empty", "", 10, runes, nil},
		{"fits unchanged", "  hello  ", 10, runes, []string{"  hello  "}},
		{"paragraph before line", "aaaa\nbbbb\n\ncc dd", 14, runes, []string{"aaaa\nbbbb", "cc dd"}},
		{"line before sentence", "One. Two.\nThree four", 14, runes, []string{"One. Two.", "Three four"}},
		{"sentence before space", "Hello there. How are you", 20, runes, []string{"Hello there.", "How are you"}},
		{"decimal point is no sentence end", "Pay 3.50 now ok", 10, runes, []string{"Pay 3.50", "now ok"}},
		{"cjk sentence end needs no space", "你好。我们在这里。谢谢", 6, runes, []string{"你好。", "我们在这里。", "谢谢"}},
		{"fullwidth question mark", "どこ？あそこです", 5, runes, []string{"どこ？", "あそこです"}},
		{"space", "alpha beta gamma", 11, runes, []string{"alpha beta", "gamma"}},
		{"early break not taken", "Hi! abcdefghijklmnop", 10, runes, []string{"Hi! abcdef", "ghijklmnop"}},
		{"hard cut without breaks", "abcdefghij", 4, runes, []string{"abcd", "efgh", "ij"}},
		{"thai without spaces keeps marks", "ที่นี่ที่นี่", 4, runes, []string{"ที่", "นี่", "ที่", "นี่"}},
		{"surrogate pair never cut", "😀😀😀", 3, utf16, []string{"😀", "😀", "😀"}},
		{"runes count emoji once", "😀😀😀", 2, runes, []string{"😀😀", "😀"}},
		{"zwj family whole", "ab👨\u200d👩\u200d👧", 8, utf16, []string{"ab", "👨\u200d👩\u200d👧"}},
		{"flags whole", "🇯🇵🇹🇭", 5, utf16, []string{"🇯🇵", "🇹🇭"}},
		{"bytes count cjk three", "你好你好", 7, bytes, []string{"你好", "你好"}},
		{"whitespace at cut dropped", "aaaa     bbbb", 6, runes, []string{"aaaa", "bbbb"}},
		{"all whitespace", "      ", 2, runes, nil},
		{"whitespace that fits", " \n", 10, runes, nil},
		{"oversized cluster cut between code points", "e\u0301\u0301\u0301", 2, runes, []string{"e\u0301", "\u0301\u0301"}},
		{"limit raised to one code point", "😀a", 1, utf16, []string{"😀", "a"}},
		{"zero limit", "ab", 0, runes, []string{"a", "b"}},
		{"invalid utf8 kept", "abc\xffcd\xfe", 4, runes, []string{"abc\xff", "cd\xfe"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := channel.SplitText(tt.s, tt.limit, tt.unit)
			assert.Equal(t, tt.want, got)
			checkSplit(t, tt.s, tt.limit, tt.unit, got)
		})
	}
}

func TestSplitTextLong(t *testing.T) {
	t.Parallel()
	para := strings.Repeat("Your parcel is on its way. ", 40) // 1080 code points
	s := strings.Repeat(para+"\n\n", 12)
	parts := channel.SplitText(s, 5000, channel.UTF16Units)
	require.Len(t, parts, 3)
	for _, p := range parts {
		assert.True(t, strings.HasSuffix(strings.TrimSpace(p), "way."), "cut at a paragraph: %q", p[len(p)-10:])
	}
	checkSplit(t, s, 5000, channel.UTF16Units, parts)
}

func TestSplitTextHugeClusterIsLinear(t *testing.T) {
	t.Parallel()
	s := "e" + strings.Repeat("\u0301", 200_000)
	parts := channel.SplitText(s, 10, channel.UTF16Units) // quadratic scanning would take minutes
	require.Len(t, parts, 20_001)
	checkSplit(t, s[:2001], 10, channel.UTF16Units, channel.SplitText(s[:2001], 10, channel.UTF16Units))
}

// checkSplit asserts the properties SplitText promises.
func checkSplit(t *testing.T, s string, limit int, unit channel.LengthUnit, parts []string) {
	t.Helper()
	limit = max(limit, map[channel.LengthUnit]int{channel.CodePoints: 1, channel.UTF16Units: 2, channel.UTF8Bytes: 4}[unit])
	for i, p := range parts {
		assert.LessOrEqual(t, channel.TextLen(p, unit), limit, "part %d too long", i)
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
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	maxCluster := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		from, to := g.Positions()
		maxCluster = max(maxCluster, channel.TextLen(s[from:to], unit))
		bounds[to] = true
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
		r, w := utf8.DecodeRuneInString(s[i:])
		if w == 1 && r == utf8.RuneError || !unicode.IsSpace(r) {
			b.WriteString(s[i : i+w])
		}
		i += w
	}
	return b.String()
}

func FuzzSplitText(f *testing.F) {
	seeds := []string{
		"", "hello world. how are you?\n\nfine", "ที่นี่ที่นี่ ที่นี่", "👨\u200d👩\u200d👧🇯🇵🇹🇭",
		"e\u0301\u0301\u0301 a", "a\xff\xfe\u0301b", "你好。我们在这里。", " \r\n \u0301 x",
	}
	for _, s := range seeds {
		f.Add(s, 5, uint8(0))
		f.Add(s, 2, uint8(1))
		f.Add(s, 6, uint8(2))
	}
	f.Fuzz(func(t *testing.T, s string, limit int, unit uint8) {
		u := channel.LengthUnit(unit % 3)
		limit %= 64
		checkSplit(t, s, limit, u, channel.SplitText(s, limit, u))
	})
}

// BenchmarkSplitText cuts a 40 KB text for LINE; the baseline only walks
// the same text with uniseg.StepString, the floor of any splitter built on
// uniseg.
func BenchmarkSplitText(b *testing.B) {
	s := strings.Repeat("Your parcel is on its way. พัสดุของคุณกำลังจัดส่ง 😀\n", 400)
	b.Run("split", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(s)))
		for b.Loop() {
			channel.SplitText(s, 5000, channel.UTF16Units)
		}
	})
	b.Run("baseline_uniseg_step", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(s)))
		for b.Loop() {
			state := -1
			for rest := s; rest != ""; {
				_, rest, _, state = uniseg.StepString(rest, state)
			}
		}
	})
}

func ExampleSplitText() {
	text := "Your parcel left Shenzhen. It reaches Hong Kong tomorrow.\n\nThank you for shopping with us!"
	for _, part := range channel.SplitText(text, 60, channel.UTF16Units) {
		fmt.Printf("%q\n", part)
	}
	// Output:
	// "Your parcel left Shenzhen. It reaches Hong Kong tomorrow."
	// "Thank you for shopping with us!"
}
