package identity

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// maxNameRunes bounds the work spent on one name: the normalizer keeps the
// first maxNameRunes runes of its input, which is far beyond any real name.
const maxNameRunes = 128

// NormalizeName returns the form names are compared in: NFKC (which also
// folds full-width and half-width forms), Unicode case folding, accents
// removed from Latin letters ("José" and "JOSE" agree), every space and
// punctuation mark removed, and romanized (Latin-script) tokens sorted so
// "Chan Tai Man" and "TAI-MAN, Chan" normalize alike. Tokens in other scripts
// keep their order, ahead of the sorted Latin tokens: "王小明" stays "王小明".
// Thai, Arabic and Hangul marks are kept, since they are letters there.
//
// Only the first 128 runes of s are read. Invalid UTF-8 is replaced, never
// rejected. NormalizeName is safe for concurrent use.
func NormalizeName(s string) string {
	sorted, _ := normalizeName(s)
	return sorted
}

// normalizeName returns the normalized name (see NormalizeName) and the
// same with the tokens in the order given. Duplicate detection compares
// both forms: sorting makes "Tai Man Chan" match "Chan Tai Man", but a typo
// in a token's first letter ("Tedin Javefen", "hedin Javefen") can move the
// token in the sort, which the given order does not.
func normalizeName(s string) (sorted, given string) {
	if utf8.RuneCountInString(s) > maxNameRunes {
		s = truncateRunes(s, maxNameRunes)
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = norm.NFKC.String(s)
	s = cases.Fold().String(s)
	s = norm.NFD.String(s)

	var (
		tokens []string // non-Latin tokens, in order
		latin  []string // Latin-script tokens, sorted later
		all    []string // every token, in order
		cur    strings.Builder
		isLat  = true
		prev   rune
	)
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		t := norm.NFC.String(cur.String())
		all = append(all, t)
		if isLat {
			latin = append(latin, t)
		} else {
			tokens = append(tokens, t)
		}
		cur.Reset()
		isLat = true
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			if cur.Len() == 0 || unicode.Is(unicode.Latin, prev) {
				continue // an accent on a Latin letter, or a stray mark
			}
			cur.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mc, r):
			if !unicode.Is(unicode.Latin, r) && !unicode.IsDigit(r) {
				isLat = false
			}
			// Full case folding maps a few scripts (Cherokee) to upper
			// case; lower-casing after it makes the result a fixpoint.
			r = unicode.ToLower(r)
			cur.WriteRune(r)
			prev = r
		default:
			flush() // spaces, punctuation, symbols separate tokens
			prev = r
		}
	}
	flush()
	given = strings.Join(all, "")
	slices.Sort(latin)
	return strings.Join(tokens, "") + strings.Join(latin, ""), given
}

func truncateRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// NameSimilarity returns 1 − Levenshtein(a, b)/max(len(a), len(b)), counted
// in runes, of the normalized names (see NormalizeName): 1 for names that
// normalize alike, 0 when either is empty. It is safe for concurrent use.
func NameSimilarity(a, b string) float64 {
	return similarity([]rune(NormalizeName(a)), []rune(NormalizeName(b)))
}

// NormalizedSimilarity is NameSimilarity of two names already normalized
// (NormalizeName, or Profile.NormalizedNames): the comparison without the
// normalization, which costs most of NameSimilarity. It is safe for
// concurrent use.
func NormalizedSimilarity(a, b string) float64 {
	var ba, bb [64]rune
	return similarity(appendRunes(ba[:0], a), appendRunes(bb[:0], b))
}

func appendRunes(dst []rune, s string) []rune {
	for _, c := range s {
		dst = append(dst, c)
	}
	return dst
}

// similarity is NameSimilarity on names already normalized.
func similarity(a, b []rune) float64 {
	m := max(len(a), len(b))
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	return 1 - float64(levenshtein(a, b, m))/float64(m)
}

// levenshtein returns the edit distance of a and b, or any value > limit as
// soon as the distance is known to exceed limit (a banded computation).
func levenshtein(a, b []rune, limit int) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > limit {
		return limit + 1
	}
	for len(b) > 0 && a[0] == b[0] { // common prefix and suffix cost nothing
		a, b = a[1:], b[1:]
	}
	for len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	if len(b) == 0 {
		return len(a)
	}
	var buf [2 * 65]int
	var prev, cur []int
	if len(b)+1 <= len(buf)/2 {
		prev, cur = buf[:len(b)+1], buf[len(b)+1:2*(len(b)+1)]
	} else {
		prev, cur = make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// shortCJK reports whether a normalized name is 2–4 Han, kana or Hangul
// runes: one edit there already costs 0.25–0.5 of similarity, so such names
// must match exactly unless other evidence agrees.
func shortCJK(n []rune) bool {
	if len(n) < 2 || len(n) > 4 {
		return false
	}
	for _, r := range n {
		if !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return false
		}
	}
	return true
}
