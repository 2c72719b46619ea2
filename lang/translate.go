package lang

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/channel"
)

// Translator is a machine translation provider (the shop's: DeepL, Google,
// an LLM behind an HTTP call). Implementations must be safe for concurrent
// use and return exactly one translation per text, in order.
type Translator interface {
	// Translate translates req.Texts from req.Source (language.Und: let
	// the provider detect it) into req.Target.
	Translate(ctx context.Context, req Request) ([]string, error)
}

// Request is one batch for a Translator. A plain value.
type Request struct {
	// Texts are the texts to translate; the answer has one translation
	// per text, in order.
	Texts []string
	// Source is the texts' language (language.Und: the provider detects
	// it); Target is the language to translate into.
	Source, Target language.Tag
	// Glossary maps terms of the source language to the translation the
	// shop wants (product names, "COD" → "cash on delivery"); providers
	// that support glossaries apply it, others may ignore it.
	Glossary map[string]string
}

// Errors of Service.
var (
	// ErrCount: the provider returned a different number of texts than it
	// was given.
	ErrCount = errors.New("lang: provider returned the wrong number of translations")
	// ErrTemplate: a platform template (WhatsApp) is never machine
	// translated; send the template approved in the customer's language.
	ErrTemplate = errors.New("lang: templates are not machine-translated; choose the template in the customer's language")
)

// ServiceConfig configures a Service.
type ServiceConfig struct {
	// Provider does the translating; required.
	Provider Translator
	// CacheSize bounds the cache, in translations; 0 means 10,000, a
	// negative value turns the cache off.
	CacheSize int
	// Glossary is added to every request (a request's own terms win).
	Glossary map[string]string
	// Detector, if set, lets Outbound see that an agent wrote in the
	// customer's language already.
	Detector *Detector
}

// DefaultCacheSize is the cache size when ServiceConfig.CacheSize is 0.
const DefaultCacheSize = 10_000

// Service wraps a Translator: it protects the spans a translation must not
// change (Protect), sends only what its cache lacks, checks that every
// protected span came back (ErrPlaceholders) and caches the result. It is
// safe for concurrent use.
type Service struct {
	cfg   ServiceConfig
	cache *lru // nil when off
}

// NewService builds a Service. It returns an error when Provider is nil.
func NewService(cfg ServiceConfig) (*Service, error) {
	if cfg.Provider == nil {
		return nil, errors.New("lang: ServiceConfig.Provider is required")
	}
	if cfg.CacheSize == 0 {
		cfg.CacheSize = DefaultCacheSize
	}
	s := &Service{cfg: cfg}
	if cfg.CacheSize > 0 {
		s.cache = newLRU(cfg.CacheSize)
	}
	return s, nil
}

// Translate translates req.Texts. Texts are protected before they reach the
// provider, so a cached translation of "where is order ⟦0⟧" serves every
// order number. Empty texts, and texts with nothing but protected spans, are
// returned as they are, and so is everything when Source and Target are the
// same language. Errors: the provider's (wrapped), ErrCount, or
// ErrPlaceholders when a translation lost a protected span; no partial
// result is returned then. Service is itself a Translator.
func (s *Service) Translate(ctx context.Context, req Request) ([]string, error) {
	if req.Source == req.Target && req.Source != language.Und {
		return slices.Clone(req.Texts), nil
	}
	glossary := s.glossary(req.Glossary)
	prefix := cachePrefix(req.Source, req.Target, glossary)
	out := make([]string, len(req.Texts))
	prot := make([]Protected, len(req.Texts))
	var missing []int // indexes of texts to send
	var send []string
	pending := map[string]int{} // masked text → its index in send
	for i, t := range req.Texts {
		prot[i] = Protect(t)
		if !hasWords(prot[i].Text) {
			out[i] = t
			continue
		}
		if tr, ok := s.cache.get(prefix + prot[i].Text); ok {
			r, err := prot[i].Restore(tr)
			if err != nil {
				return nil, err
			}
			out[i] = r
			continue
		}
		missing = append(missing, i)
		if _, ok := pending[prot[i].Text]; !ok {
			pending[prot[i].Text] = len(send)
			send = append(send, prot[i].Text)
		}
	}
	if len(send) == 0 {
		return out, nil
	}
	got, err := s.cfg.Provider.Translate(ctx, Request{Texts: send, Source: req.Source, Target: req.Target, Glossary: glossary})
	if err != nil {
		return nil, fmt.Errorf("lang: translate: %w", err)
	}
	if len(got) != len(send) {
		return nil, fmt.Errorf("%w: sent %d, got %d", ErrCount, len(send), len(got))
	}
	for _, i := range missing {
		tr := got[pending[prot[i].Text]]
		r, err := prot[i].Restore(tr)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	// Cache only once every translation passed its check.
	for j, masked := range send {
		s.cache.put(prefix+masked, got[j])
	}
	return out, nil
}

// hasWords reports whether a protected text has anything left to
// translate: a letter outside the placeholders.
func hasWords(masked string) bool {
	rest := placeholder.ReplaceAllString(masked, "")
	return strings.IndexFunc(rest, isLetter) >= 0
}

func (s *Service) glossary(req map[string]string) map[string]string {
	if len(s.cfg.Glossary) == 0 {
		return req
	}
	g := make(map[string]string, len(s.cfg.Glossary)+len(req))
	for k, v := range s.cfg.Glossary {
		g[k] = v
	}
	for k, v := range req {
		g[k] = v
	}
	return g
}

// cachePrefix keys translations by languages and glossary.
func cachePrefix(src, dst language.Tag, glossary map[string]string) string {
	var b strings.Builder
	b.WriteString(src.String())
	b.WriteByte('>')
	b.WriteString(dst.String())
	keys := make([]string, 0, len(glossary))
	for k := range glossary {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "\x00%s\x01%s", k, glossary[k])
	}
	b.WriteByte('\x02')
	return b.String()
}

// Bilingual is a message with its translation, as the agent console shows
// it and the conversation record stores it (it marshals to JSON as is). A
// plain value.
type Bilingual struct {
	// Original is the text as its author wrote it, in OriginalLang.
	Original string `json:"original"`
	// OriginalLang is the language Original is written in.
	OriginalLang language.Tag `json:"original_lang"`
	// Translation is Original in TranslationLang; empty when no
	// translation was needed (same language) or made.
	Translation string `json:"translation,omitempty"`
	// TranslationLang is the reader's language; OriginalLang when no
	// translation was needed.
	TranslationLang language.Tag `json:"translation_lang"`
}

// Text returns the text for the reader in TranslationLang: the
// translation, or the original when there is none.
func (b Bilingual) Text() string {
	if b.Translation != "" {
		return b.Translation
	}
	return b.Original
}

// Inbound translates a customer's message for an agent: from customer (the
// detected language; language.Und lets the provider detect) into agent.
// Nothing is translated when they are the same language.
func (s *Service) Inbound(ctx context.Context, text string, customer, agent language.Tag) (Bilingual, error) {
	return s.bilingual(ctx, text, customer, agent)
}

// Outbound translates an agent's reply, written in agent, into the
// customer's language, unless the agent wrote in it already: the languages
// are the same, or the Service has a Detector that finds the customer's
// language in text.
func (s *Service) Outbound(ctx context.Context, text string, agent, customer language.Tag) (Bilingual, error) {
	if s.cfg.Detector != nil {
		if r := s.cfg.Detector.Detect(text); r.Lang == customer && r.Confidence >= 0.9 {
			agent = customer
		}
	}
	return s.bilingual(ctx, text, agent, customer)
}

// OutboundMessage is Outbound for a message about to be sent: it returns a
// copy of m whose Text is in the customer's language, and the record of both.
// A message carrying a Template is refused with ErrTemplate: platform
// templates are approved per language and never machine-translated. A
// message without text is returned unchanged.
func (s *Service) OutboundMessage(ctx context.Context, m *channel.Message, agent, customer language.Tag) (*channel.Message, Bilingual, error) {
	if m == nil {
		return nil, Bilingual{}, errors.New("lang: nil message")
	}
	if m.Template != nil {
		return nil, Bilingual{}, ErrTemplate
	}
	out := *m
	if m.Text == "" {
		return &out, Bilingual{OriginalLang: agent, TranslationLang: customer}, nil
	}
	b, err := s.Outbound(ctx, m.Text, agent, customer)
	if err != nil {
		return nil, Bilingual{}, err
	}
	out.Text = b.Text()
	return &out, b, nil
}

func (s *Service) bilingual(ctx context.Context, text string, from, to language.Tag) (Bilingual, error) {
	b := Bilingual{Original: text, OriginalLang: from, TranslationLang: to}
	if from == to || text == "" {
		b.TranslationLang = from
		return b, nil
	}
	got, err := s.Translate(ctx, Request{Texts: []string{text}, Source: from, Target: to})
	if err != nil {
		return Bilingual{}, err
	}
	if got[0] != text {
		b.Translation = got[0]
	}
	return b, nil
}

// lru is a bounded least-recently-used cache of translations; nil is an
// empty cache that keeps nothing.
type lru struct {
	mu    sync.Mutex
	max   int
	ll    *list.List // of *entry, most recent first
	items map[string]*list.Element
}

type entry struct{ key, val string }

func newLRU(max int) *lru {
	return &lru{max: max, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *lru) get(key string) (string, bool) {
	if c == nil {
		return "", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return "", false
	}
	c.ll.MoveToFront(e)
	return e.Value.(*entry).val, true
}

func (c *lru) put(key, val string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		e.Value.(*entry).val = val
		c.ll.MoveToFront(e)
		return
	}
	c.items[key] = c.ll.PushFront(&entry{key, val})
	if c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.items, old.Value.(*entry).key)
	}
}

func isLetter(r rune) bool { return unicode.IsLetter(r) }
