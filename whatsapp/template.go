package whatsapp

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-go/switchboard/channel"
)

type templateBody struct {
	Name       string              `json:"name"`
	Language   templateLanguage    `json:"language"`
	Components []templateComponent `json:"components,omitempty"`
}

type templateLanguage struct {
	Policy string `json:"policy"`
	Code   string `json:"code"`
}

type templateComponent struct {
	Type       string          `json:"type"`
	Parameters []templateParam `json:"parameters"`
}

type templateParam struct {
	Type          string `json:"type"`
	ParameterName string `json:"parameter_name,omitempty"`
	Text          string `json:"text,omitempty"`
	visualMedia
}

// CheckTemplateParam reports why Meta would reject p as a text parameter of
// a template, or nil. The Cloud API refuses parameters that are empty, hold
// a newline or a tab, or more than 4 consecutive spaces (the
// Cloud API template-parameter rules),
// and longer than 32768 characters. The error wraps channel.ErrInvalidMessage.
func CheckTemplateParam(p string) error {
	if strings.TrimSpace(p) == "" {
		return fmt.Errorf("%w: empty template parameter", channel.ErrInvalidMessage)
	}
	if strings.ContainsAny(p, "\n\r\t") {
		return fmt.Errorf("%w: template parameter holds a newline or a tab", channel.ErrInvalidMessage)
	}
	if strings.Contains(p, strings.Repeat(" ", maxConsecSpaces+1)) {
		return fmt.Errorf("%w: template parameter holds more than %d consecutive spaces", channel.ErrInvalidMessage, maxConsecSpaces)
	}
	if utf8.RuneCountInString(p) > MaxTemplateParam {
		return fmt.Errorf("%w: template parameter longer than %d characters", channel.ErrInvalidMessage, MaxTemplateParam)
	}
	return nil
}

// validParamName reports whether s is a named-placeholder name as Meta
// allows them: lower-case letters, digits and underscores.
func validParamName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// languageCode turns a BCP 47 tag ("pt-BR") into Meta's form ("pt_BR").
func languageCode(tag string) string {
	return strings.ReplaceAll(strings.TrimSpace(tag), "-", "_")
}

func buildTemplate(t *channel.Template, md *channel.Media) (*templateBody, error) {
	lang := languageCode(t.Language)
	if lang == "" {
		return nil, fmt.Errorf("%w: template %q has no language", channel.ErrInvalidMessage, t.Name)
	}
	if len(t.Params) > 0 && len(t.NamedParams) > 0 {
		return nil, fmt.Errorf("%w: template %q mixes positional and named parameters", channel.ErrInvalidMessage, t.Name)
	}
	tb := &templateBody{Name: t.Name, Language: templateLanguage{Policy: "deterministic", Code: lang}}
	if md != nil {
		b, err := mediaObject(md)
		if err != nil {
			return nil, err
		}
		b.Caption = ""
		p := templateParam{Type: string(md.Type)}
		if !p.set(md.Type, b) {
			return nil, fmt.Errorf("%w: template headers take an image, video or document, not %s", channel.ErrUnsupported, md.Type)
		}
		tb.Components = append(tb.Components, templateComponent{Type: "header", Parameters: []templateParam{p}})
	}
	var params []templateParam
	for i, p := range t.Params {
		if err := CheckTemplateParam(p); err != nil {
			return nil, fmt.Errorf("template %q parameter %d: %w", t.Name, i+1, err)
		}
		params = append(params, templateParam{Type: "text", Text: p})
	}
	names := make([]string, 0, len(t.NamedParams))
	for k := range t.NamedParams {
		names = append(names, k)
	}
	slices.Sort(names) // a stable request body
	for _, k := range names {
		if !validParamName(k) {
			return nil, fmt.Errorf("%w: template %q parameter name %q (lower-case letters, digits and _ only)", channel.ErrInvalidMessage, t.Name, k)
		}
		if err := CheckTemplateParam(t.NamedParams[k]); err != nil {
			return nil, fmt.Errorf("template %q parameter %q: %w", t.Name, k, err)
		}
		params = append(params, templateParam{Type: "text", ParameterName: k, Text: t.NamedParams[k]})
	}
	if len(params) > 0 {
		tb.Components = append(tb.Components, templateComponent{Type: "body", Parameters: params})
	}
	return tb, nil
}
