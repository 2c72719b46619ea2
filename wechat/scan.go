package wechat

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// scanner is ParseXML's single-pass reader for the strict XML subset WeChat
// sends. It allocates only the field strings it keeps: encoding/xml's
// token-by-token decoder spent most of a safe-mode webhook's time on the
// long base64 Encrypt text.
type scanner struct {
	b       []byte
	i       int
	in      *Incoming
	created string
	buf     []byte // scratch for field text that needs decoding or joining
}

func (s *scanner) fail(what string) error {
	return fmt.Errorf("%w: %s at byte %d", ErrBadXML, what, s.i)
}

func (s *scanner) has(prefix string) bool {
	return len(s.b)-s.i >= len(prefix) && string(s.b[s.i:s.i+len(prefix)]) == prefix
}

func (s *scanner) skipSpace() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// document = [XMLDecl] Misc* element Misc*.
func (s *scanner) document() error {
	if s.has("<?xml") && len(s.b) > s.i+5 && (isSpace(s.b[s.i+5]) || s.b[s.i+5] == '?') {
		if err := s.declaration(); err != nil {
			return err
		}
	}
	if err := s.misc(); err != nil {
		return err
	}
	if !s.has("<") {
		return s.fail("no <xml> root")
	}
	if err := s.element(1); err != nil {
		return err
	}
	if err := s.misc(); err != nil {
		return err
	}
	if s.i != len(s.b) {
		return s.fail("content after the root element")
	}
	return nil
}

// declaration reads <?xml ...?> and refuses any encoding but UTF-8.
func (s *scanner) declaration() error {
	end := bytes.Index(s.b[s.i:], []byte("?>"))
	if end < 0 {
		return s.fail("unterminated XML declaration")
	}
	decl := s.b[s.i+5 : s.i+end]
	s.i += end + 2
	if err := s.checkChars(decl); err != nil {
		return err
	}
	if v, ok, err := s.pseudoAttr(decl, "version"); err != nil {
		return err
	} else if ok && string(v) != "1.0" {
		return s.fail("XML version other than 1.0")
	}
	if enc, ok, err := s.pseudoAttr(decl, "encoding"); err != nil {
		return err
	} else if ok && !bytes.EqualFold(enc, []byte("utf-8")) {
		return s.fail("encoding other than UTF-8")
	}
	return nil
}

// pseudoAttr finds name="value" in an XML declaration.
func (s *scanner) pseudoAttr(decl []byte, name string) (value []byte, ok bool, err error) {
	k := bytes.Index(decl, []byte(name))
	if k < 0 {
		return nil, false, nil
	}
	rest := bytes.TrimLeft(decl[k+len(name):], " \t\r\n")
	if len(rest) == 0 || rest[0] != '=' {
		return nil, false, s.fail("malformed XML declaration")
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) < 2 || (rest[0] != '"' && rest[0] != '\'') {
		return nil, false, s.fail("malformed XML declaration")
	}
	q := bytes.IndexByte(rest[1:], rest[0])
	if q < 0 {
		return nil, false, s.fail("malformed XML declaration")
	}
	return rest[1 : 1+q], true, nil
}

// checkChars checks that b holds only XML characters.
func (s *scanner) checkChars(b []byte) error {
	_, err := s.scanText(b, true) // as CDATA: '&' is just a character here
	return err
}

// misc skips white space, comments and processing instructions between
// top-level constructs, and refuses DTDs.
func (s *scanner) misc() error {
	for {
		s.skipSpace()
		switch {
		case s.has("<!--"):
			if err := s.comment(); err != nil {
				return err
			}
		case s.has("<?"):
			if err := s.procInst(); err != nil {
				return err
			}
		case s.has("<!"):
			return s.fail("DTDs and entity declarations are not accepted")
		default:
			return nil
		}
	}
}

func (s *scanner) comment() error {
	body := s.i + 4
	end := bytes.Index(s.b[body:], []byte("--"))
	if end < 0 || body+end+2 >= len(s.b) || s.b[body+end+2] != '>' {
		return s.fail("malformed comment")
	}
	if err := s.checkChars(s.b[body : body+end]); err != nil {
		return err
	}
	s.i = body + end + 3
	return nil
}

func (s *scanner) procInst() error {
	s.i += 2
	start := s.i
	name := s.name()
	if name == "" {
		return s.fail("processing instruction without a target")
	}
	if len(name) == 3 && (name[0]|0x20) == 'x' && (name[1]|0x20) == 'm' && (name[2]|0x20) == 'l' {
		s.i = start
		return s.fail("misplaced XML declaration")
	}
	end := bytes.Index(s.b[s.i:], []byte("?>"))
	if end < 0 {
		return s.fail("unterminated processing instruction")
	}
	if err := s.checkChars(s.b[s.i : s.i+end]); err != nil {
		return err
	}
	s.i += end + 2
	return nil
}

// name reads an element or attribute name: ASCII letters, digits and
// "_-.:", not starting with a digit, '-' or '.'.
func (s *scanner) name() string {
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c == '_' || c == ':' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') ||
			(s.i > start && (('0' <= c && c <= '9') || c == '-' || c == '.')) {
			s.i++
			continue
		}
		break
	}
	return string(s.b[start:s.i])
}

// element reads one element starting at '<' at the given depth (the root
// is 1). Direct children of the root (depth 2) fill Incoming's fields.
func (s *scanner) element(depth int) error {
	if depth > maxXMLDepth {
		return s.fail(fmt.Sprintf("elements nested deeper than %d", maxXMLDepth))
	}
	s.i++ // '<'
	name := s.name()
	switch {
	case name == "":
		return s.fail("malformed start tag")
	case strings.IndexByte(name, ':') >= 0:
		return s.fail("namespace prefixes are not accepted")
	case depth == 1 && name != "xml":
		return s.fail("the root element must be <xml>")
	}
	var field *string
	if depth == 2 {
		field = s.in.field(name, &s.created)
	}
	empty, err := s.attributes()
	if err != nil {
		return err
	}
	if empty {
		if field != nil {
			*field = ""
		}
		return nil
	}
	// The field's text: raw points into the input while it is one piece
	// that needs no decoding; otherwise it is built in s.buf.
	var raw []byte
	pieces, built := 0, false
	add := func(text []byte, cdata bool) error {
		needs, err := s.scanText(text, cdata)
		if err != nil {
			return err
		}
		if field == nil {
			return nil
		}
		pieces++
		if pieces == 1 && !needs {
			raw = text
			return nil
		}
		if !built {
			s.buf = append(s.buf[:0], raw...)
			built = true
		}
		s.buf = s.decode(s.buf, text, cdata)
		return nil
	}
	for {
		if s.i >= len(s.b) {
			return s.fail("unexpected end inside <" + name + ">")
		}
		if s.b[s.i] != '<' {
			end := bytes.IndexByte(s.b[s.i:], '<')
			if end < 0 {
				end = len(s.b) - s.i
			}
			text := s.b[s.i : s.i+end]
			if bytes.Contains(text, []byte("]]>")) {
				return s.fail("]]> in text")
			}
			if err := add(text, false); err != nil {
				return err
			}
			s.i += end
			continue
		}
		switch {
		case s.has("</"):
			s.i += 2
			if s.name() != name {
				return s.fail("end tag does not match <" + name + ">")
			}
			s.skipSpace()
			if !s.has(">") {
				return s.fail("malformed end tag")
			}
			s.i++
			if field != nil {
				if built {
					*field = string(s.buf)
				} else {
					*field = string(raw)
				}
			}
			return nil
		case s.has("<![CDATA["):
			start := s.i + len("<![CDATA[")
			end := bytes.Index(s.b[start:], []byte("]]>"))
			if end < 0 {
				return s.fail("unterminated CDATA section")
			}
			s.i = start
			if err := add(s.b[start:start+end], true); err != nil {
				return err
			}
			s.i = start + end + 3
		case s.has("<!--"):
			if err := s.comment(); err != nil {
				return err
			}
		case s.has("<?"):
			if err := s.procInst(); err != nil {
				return err
			}
		case s.has("<!"):
			return s.fail("DTDs and entity declarations are not accepted")
		default:
			if err := s.element(depth + 1); err != nil {
				return err
			}
		}
	}
}

// attributes reads the rest of a start tag; WeChat sends no attributes, but
// well-formed ones are skipped. It reports whether the tag was empty (/>).
func (s *scanner) attributes() (empty bool, err error) {
	seen := map[string]bool(nil)
	for {
		spaced := s.i < len(s.b) && isSpace(s.b[s.i])
		s.skipSpace()
		switch {
		case s.has("/>"):
			s.i += 2
			return true, nil
		case s.has(">"):
			s.i++
			return false, nil
		case !spaced:
			return false, s.fail("malformed start tag")
		}
		attr := s.name()
		if attr == "" {
			return false, s.fail("malformed attribute")
		}
		if seen[attr] {
			return false, s.fail("duplicate attribute")
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		seen[attr] = true
		s.skipSpace()
		if !s.has("=") {
			return false, s.fail("attribute without a value")
		}
		s.i++
		s.skipSpace()
		if s.i >= len(s.b) || (s.b[s.i] != '"' && s.b[s.i] != '\'') {
			return false, s.fail("unquoted attribute value")
		}
		q := s.b[s.i]
		end := bytes.IndexByte(s.b[s.i+1:], q)
		if end < 0 {
			return false, s.fail("unterminated attribute value")
		}
		val := s.b[s.i+1 : s.i+1+end]
		if bytes.IndexByte(val, '<') >= 0 {
			return false, s.fail("< in attribute value")
		}
		s.i++
		if _, err := s.scanText(val, false); err != nil {
			return false, err
		}
		s.i += end + 1
	}
}

// scanText checks that text holds only XML characters and, outside CDATA,
// only well-formed references to the predefined entities or characters. It
// reports whether the text needs decoding (a reference or a carriage return).
func (s *scanner) scanText(text []byte, cdata bool) (needs bool, err error) {
	for j := 0; j < len(text); {
		c := text[j]
		switch {
		case c == '\r':
			needs = true
			j++
		case c == '&' && !cdata:
			n, _, ok := entity(text[j:])
			if !ok {
				return false, s.fail("undefined or malformed entity reference")
			}
			needs = true
			j += n
		case c < utf8.RuneSelf:
			if c < 0x20 && c != '\t' && c != '\n' {
				return false, s.fail("control character")
			}
			j++
		default:
			r, size := utf8.DecodeRune(text[j:])
			if (r == utf8.RuneError && size == 1) || !xmlChar(r) {
				return false, s.fail("invalid UTF-8 or character")
			}
			j += size
		}
	}
	return needs, nil
}

// decode appends text to dst with references resolved and line ends
// normalized (\r\n and \r become \n, as XML requires). text was checked by
// scanText.
func (s *scanner) decode(dst, text []byte, cdata bool) []byte {
	for j := 0; j < len(text); {
		c := text[j]
		switch {
		case c == '\r':
			dst = append(dst, '\n')
			j++
			if j < len(text) && text[j] == '\n' {
				j++
			}
		case c == '&' && !cdata:
			n, r, _ := entity(text[j:])
			dst = utf8.AppendRune(dst, r)
			j += n
		default:
			dst = append(dst, c)
			j++
		}
	}
	return dst
}

// entity reads a reference at the start of b ("&...;"): one of the five
// predefined entities or a character reference to an XML character. It
// returns the length consumed and the character.
func entity(b []byte) (n int, r rune, ok bool) {
	end := bytes.IndexByte(b, ';')
	if end < 2 || end > 12 {
		return 0, 0, false
	}
	ref := string(b[1:end])
	switch ref {
	case "lt":
		return end + 1, '<', true
	case "gt":
		return end + 1, '>', true
	case "amp":
		return end + 1, '&', true
	case "apos":
		return end + 1, '\'', true
	case "quot":
		return end + 1, '"', true
	}
	if ref[0] != '#' || len(ref) < 2 {
		return 0, 0, false
	}
	base, digits := 10, ref[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if digits == "" || digits[0] == '+' || digits[0] == '-' {
		return 0, 0, false
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil || !xmlChar(rune(v)) {
		return 0, 0, false
	}
	return end + 1, rune(v), true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
