package textsplit

import (
	"unicode"
	"unicode/utf8"
)

// gbClass is a rune's Grapheme_Cluster_Break property, reduced to what the
// rules below need (UAX #29, "Grapheme Cluster Boundary Rules").
type gbClass uint8

const (
	gbOther gbClass = iota
	gbCR
	gbLF
	gbControl
	gbExtend
	gbZWJ
	gbRegionalIndicator
	gbPrepend
	gbSpacingMark
	gbL
	gbV
	gbT
	gbLV
	gbLVT
)

// classOf returns the grapheme break class of r. The tables are the Unicode
// general categories the property is derived from, plus the explicit
// exceptions UAX #29 lists (ZWNJ, emoji modifiers, tag characters, halfwidth
// sound marks, Thai and Lao SARA AM). It errs towards joining: a rune wrongly
// classed as Extend only makes a cluster longer, never cuts one.
func classOf(r rune) gbClass {
	switch {
	case r == '\r':
		return gbCR
	case r == '\n':
		return gbLF
	case r == 0x200D:
		return gbZWJ
	case r == 0x200C, // ZWNJ
		r >= 0x1F3FB && r <= 0x1F3FF, // emoji skin-tone modifiers
		r >= 0xE0020 && r <= 0xE007F, // tag characters (subdivision flags)
		r == 0xFF9E || r == 0xFF9F:   // halfwidth katakana sound marks
		return gbExtend
	case r >= 0x1F1E6 && r <= 0x1F1FF:
		return gbRegionalIndicator
	case r == 0x0E33 || r == 0x0EB3: // Thai and Lao SARA AM
		return gbSpacingMark
	case r >= 0x0600 && r <= 0x0605, r == 0x06DD, r == 0x070F, r == 0x0890, r == 0x0891,
		r == 0x08E2, r == 0x0D4E, r == 0x110BD, r == 0x110CD:
		return gbPrepend
	case r >= 0x1100 && r <= 0x115F, r >= 0xA960 && r <= 0xA97C:
		return gbL
	case r >= 0x1160 && r <= 0x11A7, r >= 0xD7B0 && r <= 0xD7C6:
		return gbV
	case r >= 0x11A8 && r <= 0x11FF, r >= 0xD7CB && r <= 0xD7FB:
		return gbT
	case r >= 0xAC00 && r <= 0xD7A3:
		if (r-0xAC00)%28 == 0 {
			return gbLV
		}
		return gbLVT
	case r < 0x300: // ASCII and Latin-1/Extended letters: no marks
		if r < 0x20 || r >= 0x7F && r <= 0x9F || r == 0xAD {
			return gbControl
		}
		return gbOther
	case r >= 0x0E00 && r <= 0x0E7F: // Thai, the common non-Latin case here
		if r == 0x0E31 || r >= 0x0E34 && r <= 0x0E3A || r >= 0x0E47 && r <= 0x0E4E {
			return gbExtend
		}
		return gbOther
	case r >= 0x3040 && r <= 0x9FFF && r != 0x3099 && r != 0x309A: // kana, CJK
		return gbOther
	}
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me):
		return gbExtend
	case unicode.Is(unicode.Mc, r):
		return gbSpacingMark
	case unicode.In(r, unicode.Cc, unicode.Zl, unicode.Zp, unicode.Cs),
		unicode.Is(unicode.Cf, r) && r != 0x200C && r != 0x200D:
		return gbControl
	}
	return gbOther
}

// isPictographic approximates Extended_Pictographic (emoji-data.txt) with the
// blocks that hold emoji. It is deliberately generous: it only decides whether
// a ZWJ joins what follows it.
func isPictographic(r rune) bool {
	switch {
	case r == 0x00A9, r == 0x00AE, r == 0x203C, r == 0x2049, r == 0x2122, r == 0x2139,
		r >= 0x2190 && r <= 0x21FF, r >= 0x2300 && r <= 0x23FF, r == 0x24C2,
		r >= 0x25A0 && r <= 0x27BF, r >= 0x2934 && r <= 0x2935, r >= 0x2B00 && r <= 0x2BFF,
		r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299,
		r >= 0x1F000 && r <= 0x1FAFF, r >= 0x1FC00 && r <= 0x1FFFD:
		return true
	}
	return false
}

// decode returns the first rune of s and its width. An invalid byte decodes
// as utf8.RuneError with width 1, so it is its own cluster and one unit.
func decode(s string) (rune, int) {
	if s == "" {
		return utf8.RuneError, 0
	}
	if c := s[0]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s)
}

// clusterLen returns the byte length of the first extended grapheme cluster
// of s, or 0 for an empty s. It applies rules GB3–GB13 of UAX #29; GB11 is
// applied as "ZWJ × Extended_Pictographic" without looking further back,
// which joins slightly more than the standard and never less.
func clusterLen(s string) int {
	n, _ := clusterLenMax(s, len(s))
	return n
}

// clusterLenMax is clusterLen that stops scanning once the cluster holds at
// least maxBytes bytes, reporting truncated; a cluster of thousands of
// combining marks then costs O(maxBytes), not O(len(s)).
func clusterLenMax(s string, maxBytes int) (n int, truncated bool) {
	// Fast path: two printable ASCII bytes in a row always have a boundary
	// between them.
	if len(s) >= 2 && s[0] >= 0x20 && s[0] < 0x7F && s[1] < 0x80 {
		return 1, false
	}
	r, w := decode(s)
	if w == 0 {
		return 0, false
	}
	if r == utf8.RuneError && w == 1 {
		return 1, false // an invalid byte stands alone
	}
	prev := classOf(r)
	riCount := 0
	if prev == gbRegionalIndicator {
		riCount = 1
	}
	i := w
	for i < len(s) {
		if i >= maxBytes {
			return i, true
		}
		r, w := decode(s[i:])
		if r == utf8.RuneError && w == 1 {
			return i, false // never join an invalid byte
		}
		next := classOf(r)
		if !joins(prev, next, r, riCount) {
			return i, false
		}
		if next == gbRegionalIndicator {
			riCount++
		} else {
			riCount = 0
		}
		prev = next
		i += w
	}
	return i, false
}

// joins reports whether there is no boundary between a rune of class prev
// and the rune r of class next. riCount is the number of regional indicators
// that end the cluster so far.
func joins(prev, next gbClass, r rune, riCount int) bool {
	switch {
	case prev == gbCR && next == gbLF: // GB3
		return true
	case prev == gbCR || prev == gbLF || prev == gbControl: // GB4
		return false
	case next == gbCR || next == gbLF || next == gbControl: // GB5
		return false
	case prev == gbL && (next == gbL || next == gbV || next == gbLV || next == gbLVT): // GB6
		return true
	case (prev == gbLV || prev == gbV) && (next == gbV || next == gbT): // GB7
		return true
	case (prev == gbLVT || prev == gbT) && next == gbT: // GB8
		return true
	case next == gbExtend || next == gbZWJ: // GB9
		return true
	case next == gbSpacingMark: // GB9a
		return true
	case prev == gbPrepend: // GB9b
		return true
	case prev == gbZWJ && isPictographic(r): // GB11
		return true
	case prev == gbRegionalIndicator && next == gbRegionalIndicator: // GB12, GB13
		return riCount%2 == 1
	}
	return false // GB999
}
