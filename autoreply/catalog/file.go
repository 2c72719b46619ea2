package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"

	"golang.org/x/text/language"
)

// MaxFileSize is the largest catalog file Load reads.
const MaxFileSize = 16 << 20

// file is the JSON shape of a catalog; see the package documentation.
type file struct {
	DefaultLocale string               `json:"default_locale"`
	Templates     map[string]fileEntry `json:"templates"`
}

type fileEntry struct {
	Note     string            `json:"note,omitempty"`
	Texts    map[string]string `json:"texts"`
	WhatsApp *fileWhatsApp     `json:"whatsapp,omitempty"`
}

type fileWhatsApp struct {
	Name      string            `json:"name"`
	Params    []string          `json:"params,omitempty"`
	Named     bool              `json:"named,omitempty"`
	Languages map[string]string `json:"languages,omitempty"`
}

// Load reads a catalog from its JSON form (see the package documentation),
// rejecting unknown fields so a typo in a shop's file is caught. Every
// problem found is reported, joined into one error: a malformed template (a
// *SyntaxError with its line and column inside that text), a bad locale tag,
// a bad WhatsApp mapping, and what Validate reports. The errors wrap
// ErrInvalidCatalog.
func Load(r io.Reader) (*Catalog, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("catalog: read: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w: file larger than %d bytes", ErrInvalidCatalog, MaxFileSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidCatalog, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the catalog object", ErrInvalidCatalog)
	}
	def, err := language.Parse(f.DefaultLocale)
	if err != nil || def == language.Und {
		return nil, fmt.Errorf("%w: default_locale %q is not a BCP 47 language tag", ErrInvalidCatalog, f.DefaultLocale)
	}
	c := New(def)
	var errs []error
	for _, key := range sortedKeys(f.Templates) {
		fe := f.Templates[key]
		for _, loc := range sortedKeys(fe.Texts) {
			tag, err := language.Parse(loc)
			if err != nil {
				errs = append(errs, fmt.Errorf("%w: key %q: locale %q is not a BCP 47 language tag", ErrInvalidCatalog, key, loc))
				continue
			}
			if err := c.Add(key, tag, fe.Texts[loc]); err != nil {
				if !errors.Is(err, ErrInvalidCatalog) {
					err = fmt.Errorf("%w: %w", ErrInvalidCatalog, err)
				}
				errs = append(errs, err)
			}
		}
		if fe.Note != "" {
			c.notes[key] = fe.Note
		}
		if fe.WhatsApp == nil {
			continue
		}
		if c.lookup(key) == nil {
			continue // its texts failed; already reported
		}
		wa := WhatsApp{Name: fe.WhatsApp.Name, Params: fe.WhatsApp.Params, Named: fe.WhatsApp.Named}
		if fe.WhatsApp.Name == "" {
			errs = append(errs, fmt.Errorf("%w: key %q whatsapp: empty template name", ErrInvalidCatalog, key))
			continue
		}
		if fe.WhatsApp.Languages != nil {
			wa.Languages = map[language.Tag]string{}
			for loc, code := range fe.WhatsApp.Languages {
				tag, err := language.Parse(loc)
				if err != nil {
					errs = append(errs, fmt.Errorf("%w: key %q whatsapp: locale %q is not a BCP 47 language tag", ErrInvalidCatalog, key, loc))
					continue
				}
				wa.Languages[tag] = code
			}
		}
		if err := c.SetWhatsApp(key, wa); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		errs = append(errs, c.Validate())
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// Save writes the catalog in the JSON form Load reads: indented, keys and
// locales sorted, non-ASCII text and "<", ">", "&" written as they are, so a
// shop can edit it by hand and diffs stay small. Save(Load(x)) is stable,
// and keeps the file's notes.
func (c *Catalog) Save(w io.Writer) error {
	c.mu.RLock()
	f := file{DefaultLocale: c.def.String(), Templates: make(map[string]fileEntry, len(c.entries))}
	for key, e := range c.entries {
		fe := fileEntry{Note: c.notes[key], Texts: make(map[string]string, len(e.texts))}
		for l, t := range e.texts {
			fe.Texts[l.String()] = t.src
		}
		if e.wa != nil {
			fw := &fileWhatsApp{Name: e.wa.spec.Name, Params: e.wa.spec.Params, Named: e.wa.spec.Named}
			if e.wa.spec.Languages != nil {
				fw.Languages = make(map[string]string, len(e.wa.spec.Languages))
				for l, code := range maps.All(e.wa.spec.Languages) {
					fw.Languages[l.String()] = code
				}
			}
			fe.WhatsApp = fw
		}
		f.Templates[key] = fe
	}
	c.mu.RUnlock()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("catalog: save: %w", err)
	}
	return nil
}
