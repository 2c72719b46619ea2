package whatsapp

import (
	"encoding/json"
	"unicode/utf8"
)

// scanner is a strict, allocation-light JSON reader for decodeFast. Any
// doubt sets bad; callers check it once at the end.
type scanner struct {
	b     []byte
	i     int
	depth int
	bad   bool
}

const maxDepth = 256

func (s *scanner) fail() {
	s.bad = true
	s.i = len(s.b)
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

func (s *scanner) null() bool {
	if s.peek() == 'n' {
		s.literal("null")
		return true
	}
	return false
}

func (s *scanner) literal(lit string) {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		s.fail()
		return
	}
	s.i += len(lit)
}

// object reads an object (or null), calling fn with each key; fn must
// consume the value. A key seen twice, or an escaped key, gives up: the
// reference decoder's merge and unescape rules decide those, and so does
// an object of more than 16 keys.
func (s *scanner) object(fn func(key []byte)) {
	if s.bad || s.null() {
		return
	}
	if s.peek() != '{' {
		s.fail()
		return
	}
	s.i++
	if s.depth++; s.depth > maxDepth {
		s.fail()
		return
	}
	defer func() { s.depth-- }()
	var seen [16][]byte // keys met so far, to refuse duplicates
	n := 0
	if s.peek() == '}' {
		s.i++
		return
	}
	for !s.bad {
		key := s.rawString()
		if s.bad {
			return
		}
		if s.peek() != ':' {
			s.fail()
			return
		}
		s.i++
		for j := 0; j < n; j++ {
			if string(seen[j]) == string(key) {
				s.fail()
				return
			}
		}
		if n < len(seen) {
			seen[n] = key
		} else {
			s.fail() // more keys than we track: let the reference decide
			return
		}
		n++
		fn(key)
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return
		default:
			s.fail()
		}
	}
}

// array reads an array (or null), calling fn for each element.
func (s *scanner) array(fn func()) {
	if s.bad || s.null() {
		return
	}
	if s.peek() != '[' {
		s.fail()
		return
	}
	s.i++
	if s.depth++; s.depth > maxDepth {
		s.fail()
		return
	}
	defer func() { s.depth-- }()
	if s.peek() == ']' {
		s.i++
		return
	}
	for !s.bad {
		fn()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return
		default:
			s.fail()
		}
	}
}

// rawString reads a string token and returns its bytes, which must need no
// unescaping and be valid UTF-8 (else it gives up).
func (s *scanner) rawString() []byte {
	if s.peek() != '"' {
		s.fail()
		return nil
	}
	start := s.i + 1
	ascii := true
	for j := start; j < len(s.b); j++ {
		c := s.b[j]
		switch {
		case c == '"':
			s.i = j + 1
			raw := s.b[start:j]
			if !ascii && !utf8.Valid(raw) {
				s.fail()
				return nil
			}
			return raw
		case c == '\\' || c < 0x20:
			s.fail()
			return nil
		case c >= 0x80:
			ascii = false
		}
	}
	s.fail()
	return nil
}

// str reads a string (or null: ""). Escaped strings are unescaped by
// encoding/json itself, so their meaning cannot differ.
func (s *scanner) str() string {
	if s.bad || s.null() {
		return ""
	}
	if s.peek() != '"' {
		s.fail()
		return ""
	}
	start := s.i
	save := *s
	if raw := s.rawString(); !s.bad {
		return string(raw)
	}
	*s = save
	// an escape (or bad byte): find the end, let encoding/json unescape it
	j := start + 1
	for j < len(s.b) && s.b[j] != '"' {
		if s.b[j] == '\\' {
			j++
		}
		j++
	}
	if j >= len(s.b) {
		s.fail()
		return ""
	}
	var out string
	if json.Unmarshal(s.b[start:j+1], &out) != nil || !utf8.ValidString(out) {
		s.fail()
		return ""
	}
	s.i = j + 1
	return out
}

// skipUnknown skips the value of a key the caller does not model. A key
// that encoding/json could match case-insensitively to a field (any upper
// case or non-ASCII byte) gives up instead.
func (s *scanner) skipUnknown(key []byte) {
	for _, c := range key {
		if c >= 'A' && c <= 'Z' || c >= 0x80 {
			s.fail()
			return
		}
	}
	s.skip()
}

// skip validates and skips any JSON value.
func (s *scanner) skip() {
	if s.bad {
		return
	}
	switch c := s.peek(); {
	case c == '{':
		s.object(func([]byte) { s.skip() })
	case c == '[':
		s.array(s.skip)
	case c == '"':
		s.skipString()
	case c == 't':
		s.literal("true")
	case c == 'f':
		s.literal("false")
	case c == 'n':
		s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		s.number()
	default:
		s.fail()
	}
}

// skipString validates and skips a string token without decoding it.
func (s *scanner) skipString() {
	for j := s.i + 1; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			s.i = j + 1
			return
		case c < 0x20:
			s.fail()
			return
		case c == '\\':
			j++
			if j >= len(s.b) {
				s.fail()
				return
			}
			switch s.b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(s.b) || !isHex(s.b[j+1]) || !isHex(s.b[j+2]) || !isHex(s.b[j+3]) || !isHex(s.b[j+4]) {
					s.fail()
					return
				}
				j += 4
			default:
				s.fail()
				return
			}
		}
	}
	s.fail()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// number validates a JSON number token and returns it.
func (s *scanner) number() []byte {
	start := s.i
	j := s.i
	if j < len(s.b) && s.b[j] == '-' {
		j++
	}
	digits := func() int {
		k := j
		for j < len(s.b) && s.b[j] >= '0' && s.b[j] <= '9' {
			j++
		}
		return j - k
	}
	switch {
	case j < len(s.b) && s.b[j] == '0':
		j++
	case digits() == 0:
		s.fail()
		return nil
	}
	if j < len(s.b) && s.b[j] == '.' {
		j++
		if digits() == 0 {
			s.fail()
			return nil
		}
	}
	if j < len(s.b) && (s.b[j] == 'e' || s.b[j] == 'E') {
		j++
		if j < len(s.b) && (s.b[j] == '+' || s.b[j] == '-') {
			j++
		}
		if digits() == 0 {
			s.fail()
			return nil
		}
	}
	s.i = j
	return s.b[start:j]
}
