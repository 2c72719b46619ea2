package catalog

import (
	"slices"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Vars holds the values a template's placeholders show, by variable name.
// See the package documentation for the types each format accepts.
type Vars map[string]any

// Template is a parsed reply text: literal text and placeholders. Parse it
// once and render it many times; a Template is immutable and safe for
// concurrent use.
type Template struct {
	src     string
	lang    language.Tag
	base    string // the language's base subtag ("pt", "zh"), picks date and money layouts
	printer *message.Printer
	nodes   []node
	litLen  int      // bytes of literal text
	nvars   int      // placeholders
	names   []string // distinct variable names, sorted
}

// maxStackVars is how many placeholder values Render keeps on the stack; a
// template with more still renders, with one more allocation.
const maxStackVars = 16

// Parse parses text as a locale-neutral template: numbers, dates and money
// are formatted as in CLDR's root locale (ISO dates, "1,234.5"), which has
// a single plural form ("other"); use ParseLocale for text in a language.
// It returns a
// *SyntaxError, with the line and column of the fault, for an unclosed or
// empty placeholder, a bad variable name, an unknown format or a stray "}}".
func Parse(text string) (*Template, error) { return ParseLocale(language.Und, text) }

// ParseLocale parses text as a template written for lang, whose numbers,
// dates, money and plural forms follow lang's conventions. Errors are as for
// Parse.
func ParseLocale(lang language.Tag, text string) (*Template, error) {
	p := parser{src: text}
	if err := p.parse(); err != nil {
		return nil, err
	}
	base := ""
	if b, conf := lang.Base(); lang != language.Und && conf != language.No {
		base = b.String()
	}
	t := &Template{
		src:     text,
		lang:    lang,
		base:    base,
		printer: message.NewPrinter(lang),
		nodes:   slices.Clip(p.nodes),
	}
	for _, n := range t.nodes {
		if n.name == "" {
			t.litLen += len(n.text)
			continue
		}
		t.nvars++
		if !slices.Contains(t.names, n.name) {
			t.names = append(t.names, n.name)
		}
	}
	slices.Sort(t.names)
	return t, nil
}

// String returns the template's source text, as it was parsed.
func (t *Template) String() string { return t.src }

// Lang returns the locale the template formats for (language.Und for Parse).
func (t *Template) Lang() language.Tag { return t.lang }

// Variables returns the distinct variable names the template uses, sorted.
// The caller may modify the returned slice.
func (t *Template) Variables() []string { return slices.Clone(t.names) }

// Render returns the template's text with every placeholder replaced by its
// formatted value. A variable that vars lacks (or holds as nil, an empty
// string or a zero time) is a *VarError wrapping ErrMissingVar; a value its
// format cannot show is a *VarError wrapping ErrBadValue. Nothing is
// HTML-escaped. With string values Render allocates once: the result.
func (t *Template) Render(vars Vars) (string, error) {
	var stack [maxStackVars]string
	vals := stack[:0]
	if t.nvars > maxStackVars {
		vals = make([]string, 0, t.nvars)
	}
	size := t.litLen
	for i := range t.nodes {
		n := &t.nodes[i]
		if n.name == "" {
			continue
		}
		s, err := t.value(n, vars)
		if err != nil {
			return "", err
		}
		vals = append(vals, s)
		size += len(s)
	}
	var b strings.Builder
	b.Grow(size)
	k := 0
	for i := range t.nodes {
		if n := &t.nodes[i]; n.name == "" {
			b.WriteString(n.text)
		} else {
			b.WriteString(vals[k])
			k++
		}
	}
	return b.String(), nil
}

// Append appends the rendered text to dst and returns the extended slice.
// Errors are as for Render; on error dst is returned unchanged in length.
func (t *Template) Append(dst []byte, vars Vars) ([]byte, error) {
	start := len(dst)
	for i := range t.nodes {
		n := &t.nodes[i]
		if n.name == "" {
			dst = append(dst, n.text...)
			continue
		}
		s, err := t.value(n, vars)
		if err != nil {
			return dst[:start], err
		}
		dst = append(dst, s...)
	}
	return dst, nil
}
