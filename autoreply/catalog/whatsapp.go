package catalog

import (
	"fmt"
	"maps"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/channel"
)

// WhatsApp names the WhatsApp approved message template a key stands for,
// so the same reply can go out as a template when the 24-hour
// customer-service window is closed.
type WhatsApp struct {
	// Name is the template's name as approved in WhatsApp Manager.
	Name string
	// Params are the body parameters in the template's order ({{1}}, {{2}},
	// ...), each a placeholder without its braces: a variable name with an
	// optional format, such as "order_number" or "updated_at|datetime".
	Params []string
	// Named sends the parameters as named parameters, each under its
	// variable name, for templates created with named placeholders.
	Named bool
	// Languages maps the catalog locales the template is approved in to
	// WhatsApp's language code (pt-BR → "pt_BR"). Nil means every locale of
	// the key, with the code from LanguageCode.
	Languages map[language.Tag]string
}

// waEntry is a key's WhatsApp mapping, checked and parsed.
type waEntry struct {
	spec    WhatsApp
	params  []node
	locales []language.Tag
	codes   []string // parallel to locales
	matcher language.Matcher
}

// Meta's limits on template parameters (Cloud API, "Send message templates"
// and error 132018): a parameter may not be empty, may not contain newlines
// or tabs, nor more than 4 consecutive spaces. A body holds at most 1024
// characters, so no body parameter can be longer.
const (
	maxParamSpaces = 4
	// MaxParamLen is the longest template parameter, in characters;
	// SanitizeParam shortens longer values.
	MaxParamLen = 1024
)

// SetWhatsApp maps key (which must already have texts) to a WhatsApp
// approved template; a zero WhatsApp (empty Name) removes the mapping.
// Errors wrap ErrUnknownKey, or ErrInvalidCatalog for a parameter that does
// not parse, a named parameter name Meta rejects, or a language the key has
// no text in.
func (c *Catalog) SetWhatsApp(key string, wa WhatsApp) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.entries[key]
	if old == nil {
		return fmt.Errorf("%w %q", ErrUnknownKey, key)
	}
	var spec *WhatsApp
	if wa.Name != "" {
		wa.Params = append([]string(nil), wa.Params...)
		wa.Languages = maps.Clone(wa.Languages)
		spec = &wa
	}
	e, err := c.build(key, old.texts, spec)
	if err != nil {
		return err
	}
	c.entries[key] = e
	return nil
}

// WhatsAppTemplate returns the key's WhatsApp mapping and whether it has one.
func (c *Catalog) WhatsAppTemplate(key string) (WhatsApp, bool) {
	e := c.lookup(key)
	if e == nil || e.wa == nil {
		return WhatsApp{}, false
	}
	wa := e.wa.spec
	wa.Params = append([]string(nil), wa.Params...)
	wa.Languages = maps.Clone(wa.Languages)
	return wa, true
}

func (c *Catalog) buildWhatsApp(key string, e *entry, spec WhatsApp) (*waEntry, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: key %q whatsapp: %s", ErrInvalidCatalog, key, fmt.Sprintf(format, a...))
	}
	if strings.TrimSpace(spec.Name) == "" {
		return nil, bad("empty template name")
	}
	w := &waEntry{spec: spec}
	seen := map[string]bool{}
	for i, p := range spec.Params {
		ps := parser{src: "{{" + p + "}}"}
		if err := ps.parse(); err != nil || len(ps.nodes) != 1 || ps.nodes[0].name == "" {
			return nil, bad("parameter %d %q is not a variable with an optional format", i+1, p)
		}
		n := ps.nodes[0]
		if spec.Named {
			if !validParamName(n.name) {
				return nil, bad("named parameter %q: Meta allows lowercase letters, digits and _ only", n.name)
			}
			if seen[n.name] {
				return nil, bad("named parameter %q given twice", n.name)
			}
			seen[n.name] = true
		}
		w.params = append(w.params, n)
	}
	for _, l := range e.locales {
		code, ok := spec.Languages[l]
		if spec.Languages == nil {
			code, ok = LanguageCode(l), true
		}
		if ok {
			w.locales = append(w.locales, l)
			w.codes = append(w.codes, code)
		}
	}
	for l, code := range spec.Languages {
		if e.texts[l] == nil {
			return nil, bad("language %s has no text for this key", l)
		}
		if strings.TrimSpace(code) == "" {
			return nil, bad("language %s has an empty code", l)
		}
	}
	if len(w.locales) == 0 {
		return nil, bad("no languages")
	}
	w.matcher = language.NewMatcher(w.locales)
	return w, nil
}

func validParamName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// LanguageCode returns the WhatsApp template language code for a locale:
// the base language, plus "_" and the region when the locale names one
// (pt-BR → "pt_BR", en → "en"); Chinese goes by script as WhatsApp's codes
// do: zh-Hans → "zh_CN", zh-Hant → "zh_TW", zh-Hant-HK → "zh_HK".
func LanguageCode(l language.Tag) string {
	base, _ := l.Base()
	region, rconf := l.Region()
	if base.String() == "zh" {
		script, _ := l.Script()
		switch {
		case rconf == language.Exact && (region.String() == "HK" || region.String() == "MO"):
			return "zh_HK"
		case script.String() == "Hant" || rconf == language.Exact && region.String() == "TW":
			return "zh_TW"
		}
		return "zh_CN"
	}
	if rconf == language.Exact {
		return base.String() + "_" + region.String()
	}
	return base.String()
}

// Platform returns the WhatsApp approved template for key, in the approved
// language that best matches prefs (falling back to the catalog's default
// locale, or the first approved one), with its parameters rendered from vars
// in that locale and sanitized by SanitizeParam. Errors wrap ErrUnknownKey,
// ErrNoPlatformTemplate, ErrMissingVar or ErrBadValue.
func (c *Catalog) Platform(key string, prefs []language.Tag, vars Vars) (*channel.Template, error) {
	e := c.lookup(key)
	if e == nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownKey, key)
	}
	if e.wa == nil {
		return nil, fmt.Errorf("%w for key %q", ErrNoPlatformTemplate, key)
	}
	w := e.wa
	i := pick(w.matcher, w.locales, prefs)
	t := e.texts[w.locales[i]]
	out := &channel.Template{Name: w.spec.Name, Language: w.codes[i]}
	if w.spec.Named {
		out.NamedParams = make(map[string]string, len(w.params))
	} else {
		out.Params = make([]string, 0, len(w.params))
	}
	for k := range w.params {
		n := &w.params[k]
		s, err := t.value(n, vars)
		if err == nil {
			s, err = SanitizeParam(s)
		}
		if err != nil {
			if _, ok := err.(*VarError); !ok {
				err = &VarError{Name: n.name, Err: ErrMissingVar, Detail: "empty after sanitizing"}
			}
			return nil, fmt.Errorf("catalog: key %q whatsapp template %q parameter %d: %w", key, w.spec.Name, k+1, err)
		}
		if w.spec.Named {
			out.NamedParams[n.name] = s
		} else {
			out.Params = append(out.Params, s)
		}
	}
	return out, nil
}

// SanitizeParam returns s as WhatsApp accepts a template parameter: every
// run of whitespace that holds a newline, tab or other non-space character
// becomes one space, runs of more than 4 spaces become 4, the ends are
// trimmed, and a value longer than MaxParamLen characters is cut at a
// character boundary and ends with "…". A value left empty is an error
// wrapping ErrMissingVar. Safe for concurrent use.
func SanitizeParam(s string) (string, error) {
	var b strings.Builder
	b.Grow(len(s))
	spaces, other := 0, false
	flush := func() {
		switch {
		case other:
			b.WriteByte(' ')
		case spaces > 0:
			b.WriteString("    "[:min(spaces, maxParamSpaces)])
		}
		spaces, other = 0, false
	}
	for _, r := range s {
		if unicode.IsSpace(r) {
			if r == ' ' {
				spaces++
			} else {
				other = true
			}
			continue
		}
		flush()
		b.WriteRune(r)
	}
	out := strings.TrimSpace(b.String())
	if out == "" {
		return "", fmt.Errorf("%w: template parameter is empty", ErrMissingVar)
	}
	if utf8.RuneCountInString(out) > MaxParamLen {
		cut, n := 0, 0
		for i := range out {
			if n == MaxParamLen-1 {
				cut = i
				break
			}
			n++
		}
		out = strings.TrimSpace(out[:cut]) + "…"
	}
	return out, nil
}
