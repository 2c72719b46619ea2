package catalog

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
)

// Catalog holds reply templates by key, each in one or more locales, and
// picks the locale a customer reads best. The zero value is not usable; make
// one with New or Load. A Catalog is safe for concurrent use: Add and
// SetWhatsApp may run while other goroutines render.
type Catalog struct {
	mu      sync.RWMutex
	def     language.Tag
	entries map[string]*entry
	notes   map[string]string // a file's notes to translators, kept for Save
}

// entry is one key's texts and what is derived from them. It is never
// modified once published: Add and SetWhatsApp build a new one.
type entry struct {
	texts   map[language.Tag]*Template
	locales []language.Tag // the default locale first (when present), then by tag
	matcher language.Matcher
	wa      *waEntry
}

// New returns an empty catalog whose fallback locale is def: a customer
// whose languages match none of a key's locales reads the def text.
func New(def language.Tag) *Catalog {
	return &Catalog{def: def, entries: map[string]*entry{}, notes: map[string]string{}}
}

// Default returns the catalog's fallback locale.
func (c *Catalog) Default() language.Tag { return c.def }

// Add parses text as the key's template in locale lang (replacing any text
// that key had in lang). It returns a *SyntaxError for a malformed template
// and ErrInvalidCatalog for an empty key or the undetermined locale.
func (c *Catalog) Add(key string, lang language.Tag, text string) error {
	if strings.TrimSpace(key) == "" {
		return fmt.Errorf("%w: empty key", ErrInvalidCatalog)
	}
	if lang == language.Und {
		return fmt.Errorf("%w: key %q: undetermined locale", ErrInvalidCatalog, key)
	}
	t, err := ParseLocale(lang, text)
	if err != nil {
		return fmt.Errorf("catalog: key %q locale %s: %w", key, lang, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	texts := map[language.Tag]*Template{}
	var wa *WhatsApp
	if old := c.entries[key]; old != nil {
		texts = maps.Clone(old.texts)
		if old.wa != nil {
			wa = &old.wa.spec
		}
	}
	texts[lang] = t
	e, err := c.build(key, texts, wa)
	if err != nil {
		return err
	}
	c.entries[key] = e
	return nil
}

// build derives an entry from its texts. Called with c.mu held.
func (c *Catalog) build(key string, texts map[language.Tag]*Template, wa *WhatsApp) (*entry, error) {
	e := &entry{texts: texts}
	for l := range texts {
		e.locales = append(e.locales, l)
	}
	sortLocales(e.locales, c.def)
	e.matcher = language.NewMatcher(e.locales)
	if wa != nil {
		w, err := c.buildWhatsApp(key, e, *wa)
		if err != nil {
			return nil, err
		}
		e.wa = w
	}
	return e, nil
}

// sortLocales puts def first and the rest in tag order, so matching falls
// back to def and output is deterministic.
func sortLocales(tags []language.Tag, def language.Tag) {
	slices.SortFunc(tags, func(a, b language.Tag) int {
		switch {
		case a == def && b != def:
			return -1
		case b == def && a != def:
			return 1
		}
		return strings.Compare(a.String(), b.String())
	})
}

// Keys returns the catalog's keys, sorted.
func (c *Catalog) Keys() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return sortedKeys(c.entries)
}

// Locales returns the locales key has a text in, the default first, or nil
// for an unknown key.
func (c *Catalog) Locales(key string) []language.Tag {
	e := c.lookup(key)
	if e == nil {
		return nil
	}
	return slices.Clone(e.locales)
}

func (c *Catalog) lookup(key string) *entry {
	c.mu.RLock()
	e := c.entries[key]
	c.mu.RUnlock()
	return e
}

// Template returns the key's template in the locale that best matches prefs
// (the customer's languages, most preferred first). The choice follows
// golang.org/x/text/language matching; when nothing matches, it falls back to
// the catalog's default locale. An unknown key is an error wrapping
// ErrUnknownKey.
func (c *Catalog) Template(key string, prefs []language.Tag) (*Template, error) {
	e := c.lookup(key)
	if e == nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownKey, key)
	}
	return e.texts[e.locales[pick(e.matcher, e.locales, prefs)]], nil
}

// Render renders the key's template in the locale that best matches prefs
// (see Template) and returns the text and the locale chosen. Errors wrap
// ErrUnknownKey, or the template's ErrMissingVar / ErrBadValue (a *VarError
// naming the variable).
func (c *Catalog) Render(key string, prefs []language.Tag, vars Vars) (string, language.Tag, error) {
	t, err := c.Template(key, prefs)
	if err != nil {
		return "", language.Und, err
	}
	s, err := t.Render(vars)
	if err != nil {
		return "", t.lang, fmt.Errorf("catalog: key %q locale %s: %w", key, t.lang, err)
	}
	return s, t.lang, nil
}

// pick returns the index of the supported locale that best matches prefs.
// It uses the matcher's index, not its returned tag: the returned tag carries
// the customer's region and extensions and may not be one of ours.
func pick(m language.Matcher, supported []language.Tag, prefs []language.Tag) int {
	if len(prefs) == 0 {
		return 0
	}
	// The customer's first language is one of ours: the matcher would
	// choose it too (an exact match of the first preference wins).
	for i, t := range supported {
		if t == prefs[0] {
			return i
		}
	}
	_, i, conf := m.Match(traditionalChinese(prefs)...)
	if conf == language.No {
		return 0
	}
	return i
}

// traditionalChinese returns prefs with Chinese for Hong Kong, Taiwan and
// Macau written explicitly in Traditional script (zh-HK → zh-Hant-HK), so a
// region tag never lands on Simplified texts. It copies prefs only when it
// changes one.
func traditionalChinese(prefs []language.Tag) []language.Tag {
	var out []language.Tag
	for i, t := range prefs {
		base, _ := t.Base()
		if base.String() != "zh" {
			continue
		}
		if _, conf := t.Script(); conf == language.Exact {
			continue
		}
		region, conf := t.Region()
		if conf != language.Exact {
			continue
		}
		switch region.String() {
		case "HK", "TW", "MO":
		default:
			continue
		}
		script, err := language.ParseScript("Hant")
		if err != nil {
			continue
		}
		hant, err := language.Compose(base, script, region)
		if err != nil {
			continue
		}
		if out == nil {
			out = slices.Clone(prefs)
		}
		out[i] = hant
	}
	if out == nil {
		return prefs
	}
	return out
}

// Validate reports every problem that would make a reply fail or fall back
// unexpectedly: a key without a text in the default locale, a key whose
// locales use different sets of variables (so a caller that fills the
// variables of one locale cannot miss one in another), and a variable that
// two placeholders of a key format as different kinds of value (a date in
// one, a number in another), which no single value satisfies. The errors
// wrap ErrInvalidCatalog and are joined, sorted by key.
func (c *Catalog) Validate() error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var errs []error
	for _, key := range sortedKeys(c.entries) {
		e := c.entries[key]
		def := e.texts[c.def]
		if def == nil {
			errs = append(errs, fmt.Errorf("%w: key %q has no text in the default locale %s", ErrInvalidCatalog, key, c.def))
			continue
		}
		kinds := map[string]verb{} // variable → the first non-natural kind seen
		check := func(where string, nodes []node) {
			for _, n := range nodes {
				k := valueKind(n.verb)
				if n.name == "" || k == verbNatural {
					continue
				}
				if prev, ok := kinds[n.name]; ok && prev != k {
					errs = append(errs, fmt.Errorf("%w: key %q: %s formats %q as a %s, another placeholder as a %s",
						ErrInvalidCatalog, key, where, n.name, kindName(k), kindName(prev)))
					continue
				}
				kinds[n.name] = k
			}
		}
		for _, l := range e.locales {
			t := e.texts[l]
			if !slices.Equal(t.names, def.names) {
				errs = append(errs, fmt.Errorf("%w: key %q: locale %s uses variables %v, default locale %s uses %v",
					ErrInvalidCatalog, key, l, t.names, c.def, def.names))
			}
			check("locale "+l.String(), t.nodes)
		}
		if e.wa != nil {
			check("the whatsapp template", e.wa.params)
		}
	}
	return errors.Join(errs...)
}

// valueKind groups formats by the Go value they need: a number (number,
// plural), a time.Time (date, time, datetime) or a currency.Amount (money).
func valueKind(v verb) verb {
	switch v {
	case verbPlural:
		return verbNumber
	case verbTime, verbDateTime:
		return verbDate
	}
	return v
}

func kindName(v verb) string {
	switch v {
	case verbNumber:
		return "number"
	case verbDate:
		return "time"
	case verbMoney:
		return "money amount"
	}
	return "text"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
