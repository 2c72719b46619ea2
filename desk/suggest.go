package desk

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/autoreply/catalog"
)

// Suggestion is an FAQ answer the console offers the agent.
type Suggestion struct {
	// Rule is the autoreply rule that matched; Key its reply template.
	Rule, Key string
	// Text is the answer in Language, ready to send or edit. Placeholders
	// that need values the desk does not have are left as {{name}} for the
	// agent to fill.
	Text string
	// Language is the catalog language Text is in (BCP 47): the customer's
	// when the catalog has it, else the catalog's fallback.
	Language string
}

// Suggester proposes FAQ answers for a customer's text.
type Suggester interface {
	Suggest(ctx context.Context, text, lang string) ([]Suggestion, error)
}

// FAQ suggests the answers of the autoreply rules whose keywords match the
// customer's text, rendered from the catalog in the customer's language. It
// is safe for concurrent use if its parts are (they are).
type FAQ struct {
	// Engine matches the customer's text against the rules' keywords; nil
	// makes FAQ suggest nothing.
	Engine *autoreply.Engine
	// Rules give each matched rule's reply key (hand-off rules are
	// skipped); nil makes FAQ suggest nothing.
	Rules *autoreply.RuleSet
	// Catalog renders a reply key in the customer's language; nil makes FAQ
	// suggest nothing.
	Catalog *catalog.Catalog
	// Max is the most suggestions returned; 0 means 3.
	Max int
}

// Suggest implements Suggester.
func (f *FAQ) Suggest(_ context.Context, text, lang string) ([]Suggestion, error) {
	if f == nil || f.Engine == nil || f.Rules == nil || f.Catalog == nil {
		return nil, nil
	}
	limit := f.Max
	if limit <= 0 {
		limit = 3
	}
	replies := make(map[string]string, len(f.Rules.Rules))
	for _, r := range f.Rules.Rules {
		replies[r.Name] = r.Reply
	}
	var prefs []language.Tag
	if t, err := language.Parse(lang); err == nil {
		prefs = []language.Tag{t}
	}
	var out []Suggestion
	seen := map[string]bool{}
	for _, h := range f.Engine.Match(text) {
		key := replies[h.Rule]
		if h.Handoff || key == "" || seen[key] {
			continue
		}
		seen[key] = true
		t, err := f.Catalog.Template(key, prefs)
		if err != nil {
			continue // a rule whose reply the catalog lacks has nothing to offer
		}
		s, err := t.Render(nil)
		if err != nil {
			var ve *catalog.VarError
			if !errors.As(err, &ve) && !errors.Is(err, catalog.ErrMissingVar) {
				return nil, fmt.Errorf("desk: suggestion %s: %w", key, err)
			}
			s = t.String()
		}
		out = append(out, Suggestion{Rule: h.Rule, Key: key, Text: s, Language: t.Lang().String()})
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// Suggestions returns FAQ answers for the customer's latest messages in a
// conversation, in the customer's language (none without a Suggester).
func (d *Desk) Suggestions(ctx context.Context, conversationID string) ([]Suggestion, error) {
	if d.cfg.Suggester == nil {
		return nil, nil
	}
	c, err := d.Conversation(ctx, conversationID)
	if err != nil {
		return nil, err
	}
	text := ""
	for i := len(c.Transcript) - 1; i >= 0 && len(text) < 500; i-- {
		e := c.Transcript[i]
		if e.Author == AuthorAgent {
			break
		}
		if e.Author == AuthorCustomer {
			text = e.Text + "\n" + text
		}
	}
	if text == "" {
		return nil, nil
	}
	return d.cfg.Suggester.Suggest(ctx, text, c.Language)
}
