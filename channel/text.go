package channel

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// LengthUnit is how a platform counts the length of a text.
type LengthUnit int

const (
	// CodePoints counts Unicode code points (WhatsApp).
	CodePoints LengthUnit = iota
	// UTF16Units counts UTF-16 code units: a code point above U+FFFF (most
	// emoji) counts two (LINE, Messenger).
	UTF16Units
	// UTF8Bytes counts bytes of UTF-8: a CJK character counts three (WeChat).
	UTF8Bytes
)

// TextLen returns the length of s in unit. Each invalid UTF-8 byte counts
// one, as the U+FFFD it decodes to does in every unit but UTF8Bytes.
func TextLen(s string, unit LengthUnit) int {
	switch unit {
	case UTF8Bytes:
		return len(s)
	case UTF16Units:
		n := 0
		for _, r := range s {
			n++
			if r > 0xFFFF {
				n++
			}
		}
		return n
	}
	return utf8.RuneCountInString(s)
}

// minLimit is the smallest limit SplitText honours: any one code point fits.
func minLimit(unit LengthUnit) int {
	switch unit {
	case UTF16Units:
		return 2
	case UTF8Bytes:
		return utf8.UTFMax
	}
	return 1
}

// SplitText cuts s into parts of at most limit units each, for a platform
// that caps the length of one text message. It prefers, in order, a
// paragraph break (a blank line), a line break, a sentence end, a
// line-break opportunity (after a space, between CJK ideographs: Unicode
// UAX #14), and only then any grapheme-cluster boundary (UAX #29); a break
// is taken only when the part it ends is at least half the limit long, so a
// short greeting is not sent on its own. Boundaries come from
// github.com/rivo/uniseg.
//
// Whitespace at each cut is dropped; the text's own leading and trailing
// whitespace is kept. Parts that would hold only whitespace are dropped:
// SplitText returns nil for an s that is empty or only whitespace, and
// []string{s} for any other s that fits.
//
// A limit below one code point (1 code point, 2 UTF-16 units, 4 bytes) is
// raised to it. A single grapheme cluster longer than the limit (a letter
// with hundreds of combining marks) is the one case where a cut falls
// inside a cluster: it is cut between code points, never inside one.
// Invalid UTF-8 is kept byte for byte and never panics. Safe for concurrent
// use.
func SplitText(s string, limit int, unit LengthUnit) []string {
	limit = max(limit, minLimit(unit))
	if isBlank(s) {
		return nil
	}
	total := TextLen(s, unit)
	if total <= limit {
		return []string{s}
	}
	var parts []string
	for rest := s; rest != ""; {
		if total <= limit {
			if !isBlank(rest) {
				parts = append(parts, rest)
			}
			break
		}
		cut, used, end := bestCut(rest, limit, unit)
		if end > 0 {
			parts = append(parts, rest[:end])
		}
		next := trimLeftSpace(rest[cut:])
		total -= used + TextLen(rest[cut:len(rest)-len(next)], unit)
		rest = next
	}
	return parts
}

// Break levels, from the most to the least preferred.
const (
	levelParagraph = iota
	levelLine
	levelSentence
	levelWord
	levelCluster
	numLevels
)

// bestCut returns the byte offset at which to cut s, whose length exceeds
// limit, the units before it, and the end of the last cluster before it
// that is not whitespace (0 if none). The offset is > 0 and lies on a
// cluster boundary unless the first cluster alone is longer than limit.
func bestCut(s string, limit int, unit LengthUnit) (cut, units, end int) {
	// No code point is longer than 4 bytes, so nothing past the first
	// 4·limit bytes can fit; a cluster reaching the end of this window is
	// too long. Segmenting only the window keeps splitting linear even in a
	// cluster of a million combining marks.
	window := s
	if len(s) > utf8.UTFMax*(limit+1) {
		window = s[:utf8.UTFMax*(limit+1)]
	}
	var (
		pos      [numLevels]int // last offset of a break at each level
		before   [numLevels]int // units before that offset
		ends     [numLevels]int // end of the content before that offset
		used, i  int
		content  int  // end of the last cluster that is not whitespace
		prevLine bool // the last cluster that was not a space was a line break
		state    = -1
	)
	for rest := window; rest != ""; {
		var c string
		var boundaries int
		c, rest, boundaries, state = uniseg.StepString(rest, state)
		if rest == "" && len(window) < len(s) {
			break // may continue past the window
		}
		u := TextLen(c, unit)
		if used+u > limit {
			break
		}
		used += u
		i += len(c)
		mark := func(level int) { pos[level], before[level], ends[level] = i, used, content }
		switch {
		case isLineBreak(c):
			if prevLine {
				mark(levelParagraph)
			}
			prevLine = true
		case !isBlank(c):
			prevLine = false
			content = i
		}
		if boundaries&uniseg.MaskLine == uniseg.LineMustBreak {
			mark(levelLine)
		}
		if boundaries&uniseg.MaskSentence != 0 {
			mark(levelSentence)
		}
		if boundaries&uniseg.MaskLine == uniseg.LineCanBreak {
			mark(levelWord)
		}
		mark(levelCluster)
	}
	for level := range numLevels {
		if pos[level] > 0 && 2*before[level] >= limit {
			return pos[level], before[level], ends[level]
		}
	}
	if pos[levelCluster] > 0 {
		return pos[levelCluster], before[levelCluster], ends[levelCluster]
	}
	cut, units = codePointCut(s, limit, unit)
	return cut, units, len(strings.TrimRightFunc(s[:cut], unicode.IsSpace))
}

// codePointCut cuts an oversized first cluster between code points.
func codePointCut(s string, limit int, unit LengthUnit) (cut, units int) {
	for cut < len(s) {
		_, w := utf8.DecodeRuneInString(s[cut:])
		u := TextLen(s[cut:cut+w], unit)
		if units+u > limit && cut > 0 { // cut > 0 always holds with limit ≥ minLimit
			break
		}
		units += u
		cut += w
	}
	return cut, units
}

// isBlank reports whether s is empty or only whitespace.
func isBlank(s string) bool { return strings.TrimFunc(s, unicode.IsSpace) == "" }

// isLineBreak reports whether the cluster c ends a line.
func isLineBreak(c string) bool {
	switch c {
	case "\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029":
		return true
	}
	return false
}

// trimLeftSpace drops the whitespace clusters that start s. A space that a
// combining mark attaches to is not a whitespace cluster and stays.
func trimLeftSpace(s string) string {
	for s != "" {
		// A whitespace cluster is one code point or CR LF: 8 bytes decide it.
		c, _, _, _ := uniseg.FirstGraphemeClusterInString(s[:min(len(s), 8)], -1)
		if !isBlank(c) {
			break
		}
		s = s[len(c):]
	}
	return s
}
