package textsplit

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unit is how a platform counts the length of a text.
type Unit int

const (
	// Runes counts Unicode code points.
	Runes Unit = iota
	// UTF16 counts UTF-16 code units: a code point above U+FFFF (most emoji)
	// counts two. LINE counts text length this way (FAQ "How are characters
	// counted in a text message?").
	UTF16
)

// Len returns the length of s in unit. Each invalid UTF-8 byte counts one.
func Len(s string, unit Unit) int {
	n := 0
	for i := 0; i < len(s); {
		r, w := decode(s[i:])
		n += runeUnits(r, unit)
		i += w
	}
	return n
}

func runeUnits(r rune, unit Unit) int {
	if unit == UTF16 && r > 0xFFFF {
		return 2
	}
	return 1
}

// minLimit is the smallest limit Split honours: one code point must fit.
func minLimit(unit Unit) int {
	if unit == UTF16 {
		return 2
	}
	return 1
}

// Split cuts s into parts of at most limit units each. It prefers, in order,
// a paragraph break (a blank line), a line break, a sentence end (".", "!" or
// "?" followed by a space, or "。", "！", "？"), a space, and only then any
// grapheme-cluster boundary; a break is taken only when the part it ends is
// at least half the limit long, so a short greeting is not sent on its own.
//
// Whitespace at each cut is dropped; the text's own leading and trailing
// whitespace is kept. Parts that would hold only whitespace are dropped: Split
// returns nil for an s that is empty or only whitespace, and []string{s} for
// any other s that fits.
//
// A limit below one code point (1 rune, 2 UTF-16 units) is raised to it. A
// single grapheme cluster longer than the limit (a letter with hundreds of
// combining marks) is the one case where a cut falls inside a cluster: it
// is cut between code points, never inside a surrogate pair.
func Split(s string, limit int, unit Unit) []string {
	limit = max(limit, minLimit(unit))
	if strings.TrimFunc(s, unicode.IsSpace) == "" {
		return nil
	}
	// A byte is at least one unit in both units, so a short s needs no count.
	if len(s) <= limit || Len(s, unit) <= limit {
		return []string{s}
	}
	var parts []string
	rest, total := s, Len(s, unit)
	for rest != "" {
		if total <= limit {
			if strings.TrimFunc(rest, unicode.IsSpace) != "" {
				parts = append(parts, rest)
			}
			break
		}
		cut, used := bestCut(rest, limit, unit)
		if part := trimRightSpace(rest[:cut]); part != "" {
			parts = append(parts, part)
		}
		next := trimLeftSpace(rest[cut:])
		total -= used + Len(rest[cut:len(rest)-len(next)], unit)
		rest = next
	}
	return parts
}

// Break levels, from the most to the least preferred.
const (
	levelParagraph = iota
	levelLine
	levelSentence
	levelSpace
	levelCluster
	numLevels
)

// bestCut returns the byte offset at which to cut s, whose length exceeds
// limit, and the units before it. The offset is > 0 and lies on a cluster
// boundary unless the first cluster alone is longer than limit.
func bestCut(s string, limit int, unit Unit) (cut, units int) {
	var (
		pos      [numLevels]int // last offset of a break at each level
		before   [numLevels]int // units before that offset
		used     int
		i        int
		prevLine bool // the previous non-blank cluster was a line break
		prevStop bool // the previous cluster ends a sentence if a space follows
	)
	for i < len(s) {
		// A cluster of more than 4·budget+4 bytes has more than budget code
		// points, so it cannot fit; do not scan it further.
		maxBytes := len(s) - i
		if budget := limit - used; budget < maxBytes/4 { // no overflow
			maxBytes = 4*budget + 4
		}
		n, truncated := clusterLenMax(s[i:], maxBytes)
		if truncated {
			break
		}
		c := s[i : i+n]
		u := 1
		if n > 1 {
			u = Len(c, unit)
		}
		if used+u > limit {
			break
		}
		used += u
		i += n
		switch {
		case isLineBreak(c):
			if prevLine {
				pos[levelParagraph], before[levelParagraph] = i, used
			}
			pos[levelLine], before[levelLine] = i, used
			prevLine = true
			prevStop = false
		case isSpace(c):
			if prevStop {
				pos[levelSentence], before[levelSentence] = i, used
			}
			pos[levelSpace], before[levelSpace] = i, used
			prevStop = false
		default:
			prevLine = false
			switch c {
			case ".", "!", "?":
				prevStop = true
			case "。", "！", "？":
				pos[levelSentence], before[levelSentence] = i, used
				prevStop = false
			default:
				prevStop = false
			}
		}
		pos[levelCluster], before[levelCluster] = i, used
	}
	for level := range numLevels {
		if pos[level] > 0 && 2*before[level] >= limit {
			return pos[level], before[level]
		}
	}
	if pos[levelCluster] > 0 {
		return pos[levelCluster], before[levelCluster]
	}
	return codePointCut(s, limit, unit)
}

// codePointCut cuts an oversized first cluster between code points.
func codePointCut(s string, limit int, unit Unit) (cut, units int) {
	used, i := 0, 0
	for i < len(s) {
		r, w := decode(s[i:])
		u := runeUnits(r, unit)
		if used+u > limit {
			break
		}
		used += u
		i += w
	}
	if i == 0 { // unreachable with limit ≥ minLimit; keep progress anyway
		r, w := decode(s)
		return w, runeUnits(r, unit)
	}
	return i, used
}

// isSpace reports whether the cluster c is whitespace.
func isSpace(c string) bool {
	r, n := decode(c)
	return n == len(c) && unicode.IsSpace(r) || c == "\r\n"
}

// isLineBreak reports whether the cluster c ends a line.
func isLineBreak(c string) bool {
	switch c {
	case "\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029":
		return true
	}
	return false
}

// trimLeftSpace drops the whitespace clusters that start s. A space that a
// combining mark attaches to is a cluster of its own kind and stays.
func trimLeftSpace(s string) string {
	for s != "" {
		// A whitespace cluster is one rune or CR LF: 8 bytes decide it.
		n, truncated := clusterLenMax(s, 8)
		if truncated || !isSpace(s[:n]) {
			break
		}
		s = s[n:]
	}
	return s
}

// trimRightSpace drops the whitespace clusters that end s. Walking backwards
// is safe because a whitespace rune starts a cluster of its own unless a
// Prepend rune precedes it (GB9b), the only rule that joins one forwards.
func trimRightSpace(s string) string {
	for s != "" {
		r, n := utf8.DecodeLastRuneInString(s)
		if !unicode.IsSpace(r) {
			break
		}
		if r != '\r' && r != '\n' && classOf(r) == gbOther {
			if p, _ := utf8.DecodeLastRuneInString(s[:len(s)-n]); classOf(p) == gbPrepend {
				break
			}
		}
		s = s[:len(s)-n]
	}
	return s
}
