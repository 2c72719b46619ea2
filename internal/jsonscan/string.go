package jsonscan

import (
	"encoding/json"
	"unicode/utf16"
	"unicode/utf8"
)

// String reads a string value; null reads as "". Any other value is an
// error. It allocates only the result.
func (s *Scanner) String() string {
	raw, plain := s.str()
	if plain {
		return string(raw)
	}
	return s.decode(raw)
}

// Bytes reads a string value like String, but returns a view into the
// input (no allocation) when the string needs no decoding, and a fresh
// decoded copy otherwise; null reads as nil. Any other value is an error.
func (s *Scanner) Bytes() []byte {
	raw, plain := s.str()
	if plain {
		return raw
	}
	return []byte(s.decode(raw))
}

// str reads a string value and returns the bytes between its quotes, and
// whether they are its value as they stand (plain) or must be decoded.
func (s *Scanner) str() (raw []byte, plain bool) {
	if s.err != nil || s.Null() {
		return nil, true
	}
	if s.peek() != '"' {
		s.fail("expected string")
		return nil, true
	}
	raw, escaped, high := s.rawString()
	if s.err != nil {
		return nil, true
	}
	return raw, !escaped && !(s.exact && high && !utf8.Valid(raw))
}

// decode decodes raw, the bytes between the quotes of the string token
// that ends at s.pos. In exact mode encoding/json itself decodes it, so its
// meaning cannot differ.
func (s *Scanner) decode(raw []byte) string {
	if !s.exact {
		return s.unescape(raw)
	}
	var out string
	if json.Unmarshal(s.data[s.pos-len(raw)-2:s.pos], &out) != nil {
		s.fail("bad string")
		return ""
	}
	return out
}

// rawString consumes a string token (s.pos is on its opening quote) and
// returns its bytes between the quotes, whether it holds an escape, and
// whether it holds a byte above ASCII. It validates escapes and control
// characters, not UTF-8.
func (s *Scanner) rawString() (raw []byte, escaped, high bool) {
	s.pos++ // opening quote
	start := s.pos
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			raw = s.data[start:s.pos]
			s.pos++
			return raw, escaped, high
		case c == '\\':
			escaped = true
			if !s.escape() {
				return nil, false, false
			}
		case c < 0x20:
			s.fail("control character in string")
			return nil, false, false
		default:
			high = high || c >= 0x80
			s.pos++
		}
	}
	s.fail("unterminated string")
	return nil, false, false
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

// unescape decodes the escapes of raw (already validated by rawString),
// pairing UTF-16 surrogates and reading a lone one as U+FFFD as
// encoding/json does; other bytes are copied as they are.
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
