package catalog

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/feature/plural"
)

// verb is how a placeholder shows its value.
type verb uint8

const (
	verbNatural  verb = iota // by the value's type, see the package doc
	verbNumber               // {{n|number}}
	verbDate                 // {{t|date}}
	verbTime                 // {{t|time}}
	verbDateTime             // {{t|datetime}}
	verbMoney                // {{amount|money}}
	verbPlural               // {{n|plural:one=# day,other=# days}}
)

func verbByName(name string) (verb, bool) {
	switch name {
	case "number":
		return verbNumber, true
	case "date":
		return verbDate, true
	case "time":
		return verbTime, true
	case "datetime":
		return verbDateTime, true
	case "money":
		return verbMoney, true
	case "plural":
		return verbPlural, true
	}
	return verbNatural, false
}

// pluralForms maps a CLDR plural category (plural.Form, Other = 0) to the
// text shown for it; has says which categories the template gave.
type pluralForms struct {
	text [6][]string // the form's text cut at "#", escapes removed
	has  [6]bool
}

func formByName(name string) (plural.Form, bool) {
	switch name {
	case "zero":
		return plural.Zero, true
	case "one":
		return plural.One, true
	case "two":
		return plural.Two, true
	case "few":
		return plural.Few, true
	case "many":
		return plural.Many, true
	case "other":
		return plural.Other, true
	}
	return plural.Other, false
}

// node is a literal run of text (name == "") or a placeholder.
type node struct {
	text  string
	name  string
	verb  verb
	forms *pluralForms
}

// parser turns template source into nodes. Offsets are bytes into src.
type parser struct {
	src   string
	nodes []node
	lit   []byte
}

func (p *parser) errorAt(off int, msg string) *SyntaxError {
	line, col := 1, 1
	for i, r := range p.src {
		if i >= off {
			break
		}
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return &SyntaxError{Offset: off, Line: line, Col: col, Msg: msg}
}

func (p *parser) flush() {
	if len(p.lit) > 0 {
		p.nodes = append(p.nodes, node{text: string(p.lit)})
		p.lit = p.lit[:0]
	}
}

func (p *parser) parse() error {
	src := p.src
	for i := 0; i < len(src); {
		switch {
		case strings.HasPrefix(src[i:], "{{{{"):
			p.lit = append(p.lit, "{{"...)
			i += 4
		case strings.HasPrefix(src[i:], "}}}}"):
			p.lit = append(p.lit, "}}"...)
			i += 4
		case strings.HasPrefix(src[i:], "{{"):
			end, err := p.closing(i)
			if err != nil {
				return err
			}
			p.flush()
			if err := p.placeholder(i+2, end); err != nil {
				return err
			}
			i = end + 2
		case strings.HasPrefix(src[i:], "}}"):
			return p.errorAt(i, "unexpected }} outside a placeholder (write }}}} for a literal }})")
		default:
			p.lit = append(p.lit, src[i])
			i++
		}
	}
	p.flush()
	return nil
}

// closing returns the offset of the "}}" that closes the "{{" at open. A
// placeholder stays on one line and holds no "{{"; a backslash escapes the
// byte after it (inside format arguments).
func (p *parser) closing(open int) (int, error) {
	src := p.src
	for j := open + 2; j < len(src); j++ {
		switch {
		case src[j] == '\\' && j+1 < len(src) && src[j+1] != '\n':
			j++
		case src[j] == '\n':
			return 0, p.errorAt(open, "unclosed {{ (a placeholder ends with }} on the same line)")
		case strings.HasPrefix(src[j:], "}}"):
			return j, nil
		case strings.HasPrefix(src[j:], "{{"):
			return 0, p.errorAt(open, "unclosed {{ (another {{ opens before }})")
		}
	}
	return 0, p.errorAt(open, "unclosed {{ (no }} before the end of the text)")
}

// placeholder parses src[start:end]: name [ "|" verb [ ":" args ] ].
func (p *parser) placeholder(start, end int) error {
	inner := p.src[start:end]
	namePart, verbPart, hasVerb := strings.Cut(inner, "|")
	nameOff := start + leadingSpace(namePart)
	name := strings.Trim(namePart, " ")
	if name == "" {
		return p.errorAt(start-2, "empty placeholder: name a variable, as in {{order_number}}")
	}
	if bad := badNameChar(name); bad >= 0 {
		r, _ := utf8.DecodeRuneInString(name[bad:])
		return p.errorAt(nameOff+bad, "invalid character "+quoteRune(r)+" in variable name (use letters, digits, _ . -)")
	}
	n := node{name: name}
	if hasVerb {
		verbOff := start + len(namePart) + 1
		verbName, args, hasArgs := strings.Cut(verbPart, ":")
		verbOff += leadingSpace(verbName)
		verbName = strings.Trim(verbName, " ")
		v, ok := verbByName(verbName)
		if !ok {
			return p.errorAt(verbOff, "unknown format "+quote(verbName)+" (want number, date, time, datetime, money or plural)")
		}
		n.verb = v
		argsOff := start + len(namePart) + 1 + len(verbPart) - len(args)
		switch {
		case v == verbPlural && !hasArgs:
			return p.errorAt(verbOff, "plural needs its forms, as in plural:one=# day,other=# days")
		case v == verbPlural:
			forms, err := p.pluralArgs(args, argsOff)
			if err != nil {
				return err
			}
			n.forms = forms
		case hasArgs:
			return p.errorAt(argsOff-1, "format "+quote(verbName)+" takes no arguments")
		}
	}
	p.nodes = append(p.nodes, n)
	return nil
}

// pluralArgs parses "one=# day,other=# days". A backslash escapes the next
// byte, so "\," "\#" "\\" and "\}" are literal; "#" stands for the number.
func (p *parser) pluralArgs(args string, off int) (*pluralForms, error) {
	forms := &pluralForms{}
	for _, item := range splitUnescaped(args, ',') {
		itemOff := off + item.off
		cat, text, ok := strings.Cut(item.s, "=")
		if !ok {
			return nil, p.errorAt(itemOff, "plural form "+quote(item.s)+" needs category=text")
		}
		catName := strings.Trim(cat, " ")
		f, ok := formByName(catName)
		if !ok {
			return nil, p.errorAt(itemOff+leadingSpace(cat), "unknown plural category "+quote(catName)+" (want zero, one, two, few, many or other)")
		}
		if forms.has[f] {
			return nil, p.errorAt(itemOff+leadingSpace(cat), "plural category "+quote(catName)+" given twice")
		}
		forms.has[f] = true
		forms.text[f] = pluralText(text)
	}
	if !forms.has[plural.Other] {
		return nil, p.errorAt(off, "plural needs an other= form")
	}
	return forms, nil
}

type piece struct {
	s   string // raw, still escaped
	off int    // offset of s in the split string
}

// splitUnescaped splits s on sep bytes not preceded by a backslash.
func splitUnescaped(s string, sep byte) []piece {
	var out []piece
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			out = append(out, piece{s[start:i], start})
			start = i + 1
		}
	}
	return append(out, piece{s[start:], start})
}

// pluralText is a form's text split at unescaped "#" (the number goes
// between the parts) with escapes removed.
func pluralText(raw string) []string {
	var parts []string
	var cur []byte
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c == '\\' && i+1 < len(raw):
			i++
			cur = append(cur, raw[i])
		case c == '#':
			parts = append(parts, string(cur))
			cur = cur[:0]
		default:
			cur = append(cur, c)
		}
	}
	return append(parts, string(cur))
}

func leadingSpace(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// badNameChar returns the byte offset of the first character not allowed in a
// variable name, or -1.
func badNameChar(name string) int {
	for i := 0; i < len(name); i++ {
		c := name[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		if letter || i > 0 && (c >= '0' && c <= '9' || c == '.' || c == '-') {
			continue
		}
		return i
	}
	return -1
}

func quote(s string) string { return strconv.Quote(s) }

func quoteRune(r rune) string { return strconv.QuoteRune(r) }
