package jsonscan

import "unicode/utf8"

// maxDepth bounds nesting, so hostile input cannot exhaust the stack.
const maxDepth = 256

// maxKeys is the most keys an object may have in exact mode, where each key
// is checked against the ones before it.
const maxKeys = 16

// Scanner reads one JSON document. Not safe for concurrent use.
type Scanner struct {
	data  []byte
	pos   int
	depth int
	exact bool
	err   error
}

// New returns a scanner over data. It reads keys as they are written: an
// escaped key is passed to Object's callback still escaped (so it matches
// no plain name), and a repeated key is passed again.
func New(data []byte) *Scanner { return &Scanner{data: data} }

// NewExact returns a scanner over data that reads only what it reads
// exactly as encoding/json would, and declines (an error wrapping
// ErrDeclined) the rest: an escaped key, a key that is not valid UTF-8, a
// key repeated in its object, an object of more than 16 keys. Its strings
// decode as encoding/json decodes them (invalid UTF-8 becomes U+FFFD).
// Callers that declined input fall back to encoding/json.
func NewExact(data []byte) *Scanner { return &Scanner{data: data, exact: true} }

// Err returns the first error (an *Error), or nil.
func (s *Scanner) Err() error { return s.err }

// Finish returns the first error, or an error when anything but whitespace
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

// Fail records that the caller declines the input at this point (an error
// wrapping ErrDeclined), unless an error is already recorded; every later
// call is then a no-op.
func (s *Scanner) Fail(reason string) {
	if s.err == nil {
		s.err = &Error{Err: ErrDeclined, Reason: reason, Offset: s.pos}
	}
}

func (s *Scanner) fail(reason string) {
	if s.err == nil {
		s.err = &Error{Err: ErrSyntax, Reason: reason, Offset: s.pos}
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

// Kind returns the first byte of the next value ('{', '[', '"', 't', 'f',
// 'n', or a number's first byte), or 0 at the end of input or after an
// error.
func (s *Scanner) Kind() byte {
	if s.err != nil {
		return 0
	}
	return s.peek()
}

// Null consumes a null literal and reports true if one is next; a
// malformed literal starting with 'n' is an error (and true).
func (s *Scanner) Null() bool {
	if s.err == nil && s.peek() == 'n' {
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

// Object walks an object, calling fn with each key (a view into the input,
// valid only during the call); fn should consume the value with one Scanner
// call (String, Object, Array, Skip...), and a value fn leaves unread is
// skipped. null is an empty object; any other non-object is an error.
func (s *Scanner) Object(fn func(key []byte)) { s.walk('{', '}', fn, nil) }

// Array walks an array, calling fn once per element; fn should consume it,
// and an element fn leaves unread is skipped. null is an empty array; any
// other non-array is an error.
func (s *Scanner) Array(fn func()) { s.walk('[', ']', nil, fn) }

// keySet holds the keys an object has shown so far, in exact mode.
type keySet struct {
	keys [maxKeys][]byte
	n    int
}

// add records key and reports whether it is new and fits.
func (k *keySet) add(key []byte) bool {
	for _, seen := range k.keys[:k.n] {
		if string(seen) == string(key) {
			return false
		}
	}
	if k.n == len(k.keys) {
		return false
	}
	k.keys[k.n] = key
	k.n++
	return true
}

// walk is Object (member != nil) and Array (elem != nil) in one loop, so
// the two share their null, depth, empty-container and separator handling
// at no extra call per member.
func (s *Scanner) walk(open, close byte, member func(key []byte), elem func()) {
	if s.err != nil || s.Null() {
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
	var seen *keySet
	if member != nil && s.exact {
		seen = new(keySet)
	}
	for s.err == nil {
		var start int
		if member != nil {
			if s.peek() != '"' {
				s.fail("expected key")
				return
			}
			key, escaped, high := s.rawString()
			if s.err != nil {
				return
			}
			if s.peek() != ':' {
				s.fail("expected colon")
				return
			}
			s.pos++
			if seen != nil && !s.exactKey(seen, key, escaped, high) {
				return
			}
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

// exactKey declines a key encoding/json might match differently from its
// bytes: escaped (it unescapes keys), not valid UTF-8 (it replaces bad
// bytes), repeated (it merges or overwrites) or beyond maxKeys.
func (s *Scanner) exactKey(seen *keySet, key []byte, escaped, high bool) bool {
	switch {
	case escaped:
		s.Fail("escaped key")
	case high && !utf8.Valid(key):
		s.Fail("key not UTF-8")
	case !seen.add(key):
		s.Fail("repeated key or too many keys")
	default:
		return true
	}
	return false
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
		s.Array(s.Skip)
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

// Number reads a number and returns its text (a view into the input, for
// strconv); null reads as nil. Any other value is an error.
func (s *Scanner) Number() []byte {
	if s.err != nil || s.Null() {
		return nil
	}
	if c := s.peek(); c != '-' && (c < '0' || c > '9') {
		s.fail("expected number")
		return nil
	}
	start := s.pos
	s.number()
	if s.err != nil {
		return nil
	}
	return s.data[start:s.pos]
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
