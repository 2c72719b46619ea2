package autoreply

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mode says how a keyword must sit in a message to match. Modes are plain
// values, safe to use from any goroutine.
type Mode int

// Keyword modes. The zero value is Auto.
const (
	// Auto is Word for a keyword written in scripts that separate words
	// (Latin, Greek, Cyrillic, Arabic, Hebrew, Devanagari, Hangul...) and
	// Contains for scripts written without spaces (Han, Hiragana, Katakana,
	// Thai, Lao, Khmer, Myanmar). A mixed keyword gets a word-boundary check
	// only on an end whose rune is in a script with word boundaries:
	// "iphone手机" must start a word but may be followed by anything.
	Auto Mode = iota
	// Contains matches the keyword anywhere, as a substring.
	Contains
	// Word matches the keyword as a whole word: the runes just outside the
	// match must not continue a word of the same kind (see Word boundaries
	// in the package doc).
	Word
	// Prefix matches at the start of a word with any ending: "refund*"
	// matches "refunded".
	Prefix
	// Exact matches the whole normalized message, ignoring leading and
	// trailing spaces, punctuation and symbols: "=hi" matches "Hi!" but not
	// "hi there".
	Exact
)

// String returns the mode's name in lower case.
func (m Mode) String() string {
	switch m {
	case Auto:
		return "auto"
	case Contains:
		return "contains"
	case Word:
		return "word"
	case Prefix:
		return "prefix"
	case Exact:
		return "exact"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Keyword is one pattern of a rule or of the hand-off list, as written (Text
// is not normalized; the Engine normalizes it when it compiles the rules).
// A plain value: safe to share between goroutines while nobody writes it.
type Keyword struct {
	Text string // the pattern, without the rule-file syntax ("~", "=", "*")
	Lang string // BCP 47 tag the keyword was listed under; informative only
	Mode Mode   // how the pattern must sit in the message (zero: Auto)
}

// String returns k in the rule-file syntax understood by ParseKeyword. Word
// has no syntax of its own and is written like Auto.
func (k Keyword) String() string {
	t := k.Text
	if k.Mode != Prefix && strings.HasSuffix(t, "*") {
		t = t[:len(t)-1] + `\*`
	}
	switch k.Mode {
	case Contains:
		return "~" + t
	case Exact:
		return "=" + t
	}
	if strings.HasPrefix(t, "~") || strings.HasPrefix(t, "=") || strings.HasPrefix(t, `\`) {
		t = `\` + t
	}
	if k.Mode == Prefix {
		t += "*"
	}
	return t
}

// ErrInvalidKeyword is wrapped by every error about a keyword's syntax.
var ErrInvalidKeyword = errors.New("autoreply: invalid keyword")

// ParseKeyword reads a keyword in the rule-file syntax:
//
//	size       Auto
//	~size      Contains
//	refund*    Prefix (the * must be last)
//	=hi        Exact
//	\~x  \=x   a leading ~ or = taken literally (Auto)
//	x\*        a trailing * taken literally
//	\\x        a leading backslash taken literally
//
// It returns an error wrapping ErrInvalidKeyword for an empty keyword, a
// keyword that is only a marker ("~", "*", "=") or only spaces, invalid
// UTF-8, an unescaped "*" anywhere but at the end, or a "~" or "=" combined
// with a trailing "*". Whether the text is still non-empty after
// normalization is checked later, by New.
func ParseKeyword(s, lang string) (Keyword, error) {
	k := Keyword{Lang: lang}
	if !utf8.ValidString(s) {
		return k, fmt.Errorf("%w: %q is not valid UTF-8", ErrInvalidKeyword, s)
	}
	body := s
	switch {
	case strings.HasPrefix(body, `\`):
		body = body[1:]
	case strings.HasPrefix(body, "~"):
		k.Mode, body = Contains, body[1:]
	case strings.HasPrefix(body, "="):
		k.Mode, body = Exact, body[1:]
	}
	literalStar := false
	switch {
	case strings.HasSuffix(body, `\*`):
		body, literalStar = body[:len(body)-2], true
	case strings.HasSuffix(body, "*"):
		if k.Mode != Auto {
			return k, fmt.Errorf("%w: %q combines %q with a trailing *", ErrInvalidKeyword, s, s[:1])
		}
		k.Mode, body = Prefix, body[:len(body)-1]
	}
	if strings.Contains(body, "*") {
		return k, fmt.Errorf("%w: %q has a * that is not at the end (escape a literal one as \\*)", ErrInvalidKeyword, s)
	}
	if literalStar {
		body += "*"
	}
	if strings.TrimSpace(body) == "" {
		return k, fmt.Errorf("%w: %q is empty", ErrInvalidKeyword, s)
	}
	k.Text = body
	return k, nil
}

// Word classes used for boundaries. A boundary lies between two runes unless
// both are word runes of the same class.
const (
	classNone     = iota // space, punctuation, symbols, anything not part of a word
	classSpaced          // letters, digits and marks of scripts that separate words
	classUnspaced        // letters and marks of scripts written without spaces
)

// wordClass classifies r for boundary checks.
func wordClass(r rune) int {
	if r < utf8.RuneSelf {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return classSpaced
		}
		return classNone
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
		// The prolonged sound mark ー is Lm, so IsLetter covers it.
		return classNone
	}
	// Scripts written without spaces between words.
	if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao,
		unicode.Khmer, unicode.Myanmar, unicode.Tibetan, unicode.Bopomofo, unicode.Yi) {
		return classUnspaced
	}
	return classSpaced
}

// boundaryBetween reports whether a word boundary separates outside (the rune
// next to a match, or -1 at either end of the text) from inside (the rune of
// the match on that side).
func boundaryBetween(outside, inside rune) bool {
	if outside < 0 {
		return true
	}
	co := wordClass(outside)
	return co == classNone || co != wordClass(inside)
}
