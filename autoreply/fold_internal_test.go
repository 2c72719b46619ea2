package autoreply

import (
	"fmt"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TestFastFoldMatchesXText checks, for every rune that can appear in NFKC
// text, that the fast case folding equals x/text's pipeline.
func TestFastFoldMatchesXText(t *testing.T) {
	t.Parallel()
	var bad []string
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) || !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.S) ||
			unicode.In(r, unicode.Han, unicode.Hangul, unicode.Tangut, unicode.Yi) {
			continue // unassigned, or a large caseless script
		}
		s := string(r)
		if !norm.NFKC.IsNormalString(s) {
			continue
		}
		f := fastFold(r)
		if f < 0 {
			continue
		}
		if want := pipeline(s); string(f) != want {
			bad = append(bad, fmt.Sprintf("%U %q→%q want %q", r, s, string(f), want))
		}
	}
	for _, b := range bad {
		t.Error(b)
	}
}
