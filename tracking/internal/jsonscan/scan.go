// Package jsonscan is a small pull parser for JSON documents whose shape is
// known: walk objects and arrays with callbacks, read the strings you want,
// skip the rest without allocating. The DHL adapter parses with it to stay
// well under its 20 µs per-response budget (encoding/json's reflection costs
// most of that on its own).
//
// A Scanner records the first error and then stops; every method is a no-op
// after an error, and no input makes it panic or loop forever.
package jsonscan

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting, so hostile input cannot exhaust the stack.
const maxDepth = 256

// Scanner reads one JSON document. Not safe for concurrent use.
type Scanner struct {
	data  []byte
	pos   int
	depth int
	err   error
}

// New returns a scanner over data.
func New(data []byte) *Scanner { return &Scanner{data: data} }

// Err returns the first error, or nil.
func (s *Scanner) Err() error { return s.err }

// Finish reports the first error, or an error when anything but whitespace
// follows the document.
func (s *Scanner) Finish() error {
	if s.err != nil {
		return s.err
	}
	s.ws()
	if s.pos != len(s.data) {
		s.fail("trailing data")
	}
	return s.err
}

func (s *Scanner) fail(what string) {
	if s.err == nil {
		s.err = fmt.Errorf("%w: %s at offset %d", ErrSyntax, what, s.pos)
	}
}

func (s *Scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *Scanner) peek() byte {
	s.ws()
	if s.pos >= len(s.data) {
		return 0
	}
	return s.data[s.pos]
}

// null consumes a null literal if one is next.
func (s *Scanner) null() bool {
	if s.peek() == 'n' {
		s.literal("null")
		return true
	}
	return false
}

func (s *Scanner) literal(lit string) {
	if len(s.data)-s.pos < len(lit) || string(s.data[s.pos:s.pos+len(lit)]) != lit {
		s.fail("invalid literal")
		return
	}
	s.pos += len(lit)
}

// Object walks an object, calling fn with each key (valid only during the
// call); fn must consume the value with one Scanner call (String, Object,
// Array, Skip). null is an empty object; any other non-object is an error.
func (s *Scanner) Object(fn func(key []byte)) { s.walk('{', '}', fn, nil) }

// Array walks an array, calling fn once per element; fn must consume it.
// null is an empty array; any other non-array is an error.
func (s *Scanner) Array(fn func()) { s.walk('[', ']', nil, fn) }

// walk is Object (member != nil) and Array (elem != nil) in one loop, so
// the two share their null, depth, empty-container and separator handling
// at no extra call per member. A member or element fn leaves unread is
// skipped.
func (s *Scanner) walk(open, close byte, member func(key []byte), elem func()) {
	if s.err != nil || s.null() {
		return
	}
	if s.peek() != open {
		if member != nil {
			s.fail("expected object")
		} else {
			s.fail("expected array")
		}
		return
	}
	if s.depth++; s.depth > maxDepth {
		s.fail("nesting too deep")
		return
	}
	defer func() { s.depth-- }()
	s.pos++
	if s.peek() == close {
		s.pos++
		return
	}
	for s.err == nil {
		var start int
		if member != nil {
			if s.peek() != '"' {
				s.fail("expected key")
				return
			}
			key, _ := s.rawString()
			if s.peek() != ':' {
				s.fail("expected colon")
				return
			}
			s.pos++
			start = s.pos
			member(key)
		} else {
			s.ws()
			start = s.pos
			elem()
		}
		if s.err == nil && s.pos == start {
			s.Skip() // fn ignored the value
		}
		switch s.peek() {
		case ',':
			s.pos++
		case close:
			s.pos++
			return
		default:
			s.fail("expected , or " + string(rune(close)))
		}
	}
}

// String reads a string value; null reads as "". Any other value is an
// error.
func (s *Scanner) String() string {
	if s.err != nil || s.null() {
		return ""
	}
	if s.peek() != '"' {
		s.fail("expected string")
		return ""
	}
	raw, escaped := s.rawString()
	if s.err != nil {
		return ""
	}
	if !escaped {
		return string(raw)
	}
	return s.unescape(raw)
}

// Kind returns the first byte of the next value ('{', '[', '"', 't', 'f',
// 'n', or a number's first byte), or 0 at the end of input.
func (s *Scanner) Kind() byte { return s.peek() }

// rawString consumes a string and returns its bytes between the quotes.
func (s *Scanner) rawString() (raw []byte, escaped bool) {
	s.pos++ // opening quote
	start := s.pos
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			raw = s.data[start:s.pos]
			s.pos++
			return raw, escaped
		case c == '\\':
			escaped = true
			if !s.escape() {
				return nil, false
			}
		case c < 0x20:
			s.fail("control character in string")
			return nil, false
		default:
			s.pos++
		}
	}
	s.fail("unterminated string")
	return nil, false
}

// escape validates the escape sequence at s.pos and steps over it.
func (s *Scanner) escape() bool {
	if s.pos+1 >= len(s.data) {
		s.fail("unterminated string")
		return false
	}
	switch s.data[s.pos+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.pos += 2
		return true
	case 'u':
		if _, ok := hex4(s.data[s.pos+2:]); ok {
			s.pos += 6
			return true
		}
	}
	s.fail("bad escape")
	return false
}

func (s *Scanner) unescape(raw []byte) string {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(raw) {
			s.fail("bad escape")
			return ""
		}
		switch raw[i] {
		case '"', '\\', '/':
			out = append(out, raw[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(raw[i+1:])
			if !ok {
				s.fail("bad \\u escape")
				return ""
			}
			i += 4 // i is on the last hex digit
			if utf16.IsSurrogate(r) {
				r2, ok := rune(0), false
				if i+2 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					r2, ok = hex4(raw[i+3:])
				}
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			s.fail("bad escape")
			return ""
		}
	}
	return string(out)
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// Skip consumes any value.
func (s *Scanner) Skip() {
	if s.err != nil {
		return
	}
	switch c := s.peek(); {
	case c == '{':
		s.Object(func([]byte) { s.Skip() })
	case c == '[':
		s.Array(func() { s.Skip() })
	case c == '"':
		s.rawString()
	case c == 't':
		s.literal("true")
	case c == 'f':
		s.literal("false")
	case c == 'n':
		s.literal("null")
	case c == '-' || ('0' <= c && c <= '9'):
		s.number()
	case c == 0:
		s.fail("unexpected end of input")
	default:
		s.fail("unexpected character")
	}
}

// number consumes a number per RFC 8259:
// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func (s *Scanner) number() {
	d := s.data
	i := s.pos
	digits := func() int {
		n := 0
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case digits() == 0:
		s.fail("bad number")
		return
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			s.fail("bad number")
			return
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			s.fail("bad number")
			return
		}
	}
	s.pos = i
}

// ErrSyntax is returned (wrapped) for malformed input.
var ErrSyntax = errors.New("jsonscan: syntax error")
