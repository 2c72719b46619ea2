// Package shop composes Switchboard's packages into the customer-service bot
// a cross-border shop runs: an inbound event is resolved to a customer
// (identity), answered by the rule engine (autoreply) in the customer's
// language (autoreply/catalog), with parcel lookups (tracking), and sent back
// through the shop's channel.Sender. The shopbot and webhookserver examples
// and the end-to-end load suite use it; a shop would write its own version of
// this file.
package shop

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/text/language"

	"github.com/switchboard-go/switchboard/autoreply"
	"github.com/switchboard-go/switchboard/autoreply/catalog"
	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/identity"
	"github.com/switchboard-go/switchboard/lang"
	"github.com/switchboard-go/switchboard/notify"
	"github.com/switchboard-go/switchboard/notify/files"
	"github.com/switchboard-go/switchboard/tracking"
)

// Config assembles a Shop. Rules, Replies and Send are required.
type Config struct {
	Rules   *autoreply.RuleSet
	Replies *catalog.Catalog
	// Fallback guesses the rule for a message no keyword matches (see
	// autoreply.Config.Fallback); nil answers from keywords only.
	Fallback autoreply.Classifier
	// Send delivers replies; wrap it in the channel middlewares you want
	// (limits, media checks). The Shop adds the window check itself.
	Send channel.Sender
	// Windows tracks customer-service windows; nil makes a default one.
	Windows *channel.Windows
	// State keeps the rule engine's conversations; nil keeps them in memory.
	State autoreply.StateStore
	// Outbox keeps every reply that could not be delivered or whose delivery
	// is unknown (a store's, so it survives a restart and is shared by
	// instances); nil keeps them only in Failures, in memory.
	Outbox channel.Outbox
	// Identity resolves customers; nil makes an in-memory registry.
	Identity *identity.Registry
	// Orders and Trackers answer "where is my parcel".
	Orders   *Orders
	Trackers map[tracking.Carrier]tracking.Tracker
	// Language is the shop's default language.
	Language language.Tag
	// TimeZone is the zone times are shown in; nil means UTC.
	TimeZone *time.Location
	// LanguageTTL is how long the shop remembers the language a customer
	// wrote in; 0 means 30 days.
	LanguageTTL time.Duration
	Clock       channel.Clock
	// Log receives one line per failure; nil discards. Customer ids are
	// masked, message texts never logged.
	Log *slog.Logger
	// Invoices and Files, when both are set, send the invoice itself when a
	// customer asks for it with an order number.
	Invoices *files.Invoices
	Files    *files.Deliverer
	// Notices plans proactive parcel notices (window, tags, caps, quiet
	// hours); nil makes one over Windows with notify's defaults.
	Notices *notify.Planner
	// OnDuplicate is called when a message's sender looks like another
	// profile (a second phone number of one customer).
	OnDuplicate func(ctx context.Context, profileID string, c identity.Candidate)
	// Detector detects the language a customer writes in, so that a
	// message no rule answers still gets its reply in that language; nil
	// makes one for the 12 languages of the starter rules.
	Detector *lang.Detector
}

// Shop is the bot. It is safe for concurrent use.
type Shop struct {
	cfg     Config
	engine  *autoreply.Engine
	windows *channel.Windows
	notices *notify.Planner
	out     channel.Sender // cfg.Send behind the window check
	people  *identity.Registry
	log     *slog.Logger

	langs *langMemory

	mu       sync.Mutex
	failures []Failure

	count counters
	lat   latencies
}

// Failure is a reply that could not be delivered: the shop's queue to act on
// (retry later, alert a person).
type Failure struct {
	To   channel.Address
	Key  string
	Err  error
	Time time.Time
}

const maxFailures = 1000

// New builds a Shop.
func New(cfg Config) (*Shop, error) {
	if cfg.Rules == nil || cfg.Replies == nil || cfg.Send == nil {
		return nil, errors.New("shop: Rules, Replies and Send are required")
	}
	if cfg.Language == language.Und {
		cfg.Language = language.English
	}
	if cfg.LanguageTTL <= 0 {
		cfg.LanguageTTL = 30 * 24 * time.Hour
	}
	if cfg.Detector == nil {
		d, err := lang.New(lang.Config{})
		if err != nil {
			return nil, err
		}
		cfg.Detector = d
	}
	s := &Shop{cfg: cfg, windows: cfg.Windows, people: cfg.Identity, log: cfg.Log,
		langs: newLangMemory(cfg.LanguageTTL)}
	if s.windows == nil {
		s.windows = channel.NewWindows(channel.WindowConfig{Clock: cfg.Clock})
	}
	// A redelivery taken over from an instance that stopped mid-way must
	// not answer again blindly: its replies become unknown failures.
	s.out = channel.GuardTakeover()(s.windows.Middleware()(cfg.Send))
	s.notices = cfg.Notices
	if s.notices == nil {
		p, err := notify.New(notify.Config{Windows: s.windows, Clock: cfg.Clock, ShopZone: cfg.TimeZone})
		if err != nil {
			return nil, err
		}
		s.notices = p
	}
	if s.people == nil {
		reg, err := identity.New(identity.Config{Clock: cfg.Clock})
		if err != nil {
			return nil, err
		}
		s.people = reg
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	engine, err := autoreply.New(autoreply.Config{
		Rules:          cfg.Rules,
		Lookups:        map[string]autoreply.LookupFunc{"track": s.track},
		Clock:          cfg.Clock,
		Store:          cfg.State,
		FoldDiacritics: true,
		Fallback:       cfg.Fallback,
	})
	if err != nil {
		return nil, fmt.Errorf("shop: %w", err)
	}
	s.engine = engine
	return s, nil
}

// Windows returns the window tracker the shop feeds.
func (s *Shop) Windows() *channel.Windows { return s.windows }

// Identity returns the customer registry.
func (s *Shop) Identity() *identity.Registry { return s.people }

// Engine returns the rule engine (for its statistics).
func (s *Shop) Engine() *autoreply.Engine { return s.engine }

func (s *Shop) now() time.Time { return s.cfg.Clock.Now() }

// HandleEvent implements channel.Handler. It answers customer text messages;
// other events, and events in standby (another channel owns the chat, LINE
// "mode":"standby": the bot must not send), only feed the window tracker. It returns an error only for a
// failure worth a redelivery (the rule engine or the registry failing): a
// reply that cannot be delivered is queued in Failures instead, so a
// redelivery never makes the customer receive an answer twice.
func (s *Shop) HandleEvent(ctx context.Context, e channel.Event) error {
	if err := s.windows.ObserveContext(ctx, e); err != nil {
		return err // the window store is down: let the platform redeliver
	}
	if e.Type != channel.EventMessage || e.Standby || e.Message == nil || e.Message.Text == "" {
		return nil
	}
	start := time.Now()
	defer func() { s.lat.observe(time.Since(start)) }()
	s.count.messages.Add(1)
	m := e.Message

	hints := identity.Hints{}
	if c := m.Contact; c != nil {
		hints.Name, hints.Phone = c.Name, c.Phone
	}
	profile, err := s.people.Resolve(ctx, m.From, hints)
	if err != nil {
		return fmt.Errorf("shop: resolve: %w", err)
	}
	if profile.Anonymous && identity.IsAcceptance(m.Text) {
		_, err := s.people.RecordConsent(ctx, m.From, identity.Consent{
			Version: "2026-01", MessageID: m.ID, Phrase: m.Text, At: m.Time}, hints)
		return err
	}
	if !profile.Anonymous && m.Contact != nil && m.Contact.Phone != "" {
		s.checkDuplicates(ctx, profile.ID)
	}

	lctx := withLookup(ctx)
	d, err := s.engine.Decide(lctx, m)
	if err != nil {
		return fmt.Errorf("shop: decide: %w", err)
	}
	prefs := s.languages(m.From, m.Text, d, profile)
	vars := catalog.Vars{}
	for k, v := range d.Vars {
		vars[k] = v
	}
	key := d.Template
	switch d.Action {
	case autoreply.Reply:
		s.count.answers.Add(1)
		if sh := lookupResult(lctx); sh != nil {
			addShipmentVars(vars, sh, s.now(), s.cfg.TimeZone)
		}
	case autoreply.Ask:
		s.count.asks.Add(1)
	case autoreply.Handoff:
		s.count.handoffs.Add(1)
		key = "handoff.agent"
	case autoreply.NoMatch:
		s.count.fallbacks.Add(1)
		key = "fallback.unknown"
	default: // Quiet: a person has the conversation
		s.count.quiet.Add(1)
		return nil
	}
	token := cmp.Or(m.ReplyToken, e.ReplyToken)
	s.reply(ctx, m.From, token, key, prefs, vars)
	if d.Action == autoreply.Reply && d.Rule == "invoice" && d.Vars["order_number"] != "" && s.cfg.Files != nil && s.cfg.Invoices != nil {
		s.sendInvoice(ctx, m.From, d.Vars["order_number"], prefs)
	}
	return nil
}

// reply renders key for the customer and sends it. With a reply token (LINE)
// it is one Send: the adapter splits a long text into the up to five messages
// one free reply carries. Otherwise it is cut to the channel's length limit
// and sent in parts. A failure is queued, not returned.
func (s *Shop) reply(ctx context.Context, to channel.Address, token, key string, prefs []language.Tag, vars catalog.Vars) {
	text, _, err := s.cfg.Replies.Render(key, prefs, vars)
	if err != nil {
		s.fail(ctx, &channel.Message{To: to}, key, err)
		return
	}
	if token != "" {
		m := &channel.Message{To: to, Text: text, ReplyToken: token}
		if _, err := s.send(ctx, m); err != nil {
			s.fail(ctx, m, key, err)
		}
		return
	}
	for _, part := range catalog.ForChannel(to.Channel, text) {
		m := &channel.Message{To: to, Text: part}
		if _, err := s.send(ctx, m); err != nil {
			s.fail(ctx, m, key, err)
			return
		}
	}
}

func (s *Shop) send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	return s.out.Send(ctx, m)
}

// fail records m, a reply that was not delivered (or whose delivery is
// unknown), in Failures and in the Outbox.
func (s *Shop) fail(ctx context.Context, m *channel.Message, key string, err error) {
	to, now := m.To, s.now()
	s.count.sendFailures.Add(1)
	s.log.Warn("reply not delivered", "channel", to.Channel, "to", Mask(to), "key", key, "err", err)
	if s.cfg.Outbox != nil {
		e := channel.OutboxEntry{Message: *m, State: channel.OutboxStateOf(err), Err: err.Error(), At: now}
		if _, oerr := s.cfg.Outbox.Put(context.WithoutCancel(ctx), e); oerr != nil {
			s.log.Error("reply not kept in the outbox", "channel", to.Channel, "to", Mask(to), "key", key, "err", oerr)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) == maxFailures {
		s.failures = s.failures[1:]
	}
	s.failures = append(s.failures, Failure{To: to, Key: key, Err: err, Time: now})
}

// Failures returns the most recent undelivered replies (at most 1,000).
func (s *Shop) Failures() []Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Failure(nil), s.failures...)
}

// languages orders the customer's languages: the language detected in the
// message when the detector is confident (a script, or a clear statistical
// call), then the language of the keyword that matched, then the
// conversation's, then the profile's, then the shop's. The first of the
// message's own languages is remembered for the conversation.
func (s *Shop) languages(from channel.Address, text string, d autoreply.Decision, p *identity.Profile) []language.Tag {
	var prefs []language.Tag
	remembered, hasRemembered := s.langs.get(from, s.now())
	var profileLang language.Tag
	if p != nil && p.Language != "" {
		if t, err := language.Parse(p.Language); err == nil {
			profileLang = t
		}
	}
	if text != "" {
		conv := lang.Context{Profile: profileLang}
		if hasRemembered {
			conv.Recent = []language.Tag{remembered}
		}
		if r := s.cfg.Detector.DetectIn(text, conv); r.Method == lang.Script || r.Method == lang.Statistical && r.Confidence >= minDetectConfidence {
			prefs = append(prefs, r.Lang)
		}
	}
	for _, h := range d.Hits {
		if h.Keyword.Lang == "" {
			continue
		}
		if t, err := language.Parse(h.Keyword.Lang); err == nil {
			prefs = append(prefs, t)
			break
		}
	}
	if len(prefs) > 0 {
		s.langs.set(from, prefs[0], s.now())
	}
	if hasRemembered {
		prefs = append(prefs, remembered)
	}
	if profileLang != language.Und {
		prefs = append(prefs, profileLang)
	}
	return append(prefs, s.cfg.Language)
}

// minDetectConfidence is the posterior a statistical detection needs to
// outrank the language of the matched keyword (a keyword shared by
// languages, such as "paypal", is listed under one of them only).
const minDetectConfidence = 0.8

// SetLanguage records the language a customer writes in, for replies that
// carry no keyword of their own (an order number, a proactive notice).
func (s *Shop) SetLanguage(a channel.Address, t language.Tag) { s.langs.set(a, t, s.now()) }

func (s *Shop) checkDuplicates(ctx context.Context, id string) {
	cands, err := s.people.Candidates(ctx, id)
	if err != nil {
		return
	}
	for _, c := range cands {
		s.count.duplicates.Add(1)
		if s.cfg.OnDuplicate != nil {
			s.cfg.OnDuplicate(ctx, id, c)
		}
	}
}

// Summary returns the counters and reply latencies so far.
func (s *Shop) Summary() Summary {
	return Summary{
		Messages: s.count.messages.Load(), Answers: s.count.answers.Load(), Asks: s.count.asks.Load(),
		Handoffs: s.count.handoffs.Load(), Fallbacks: s.count.fallbacks.Load(), Quiet: s.count.quiet.Load(),
		SendFailures: s.count.sendFailures.Load(), Notices: s.count.notices.Load(), Files: s.count.files.Load(),
		Duplicates: s.count.duplicates.Load(),
		P50:        s.lat.quantile(0.50), P99: s.lat.quantile(0.99),
	}
}

// Mask hides the middle of a customer id for logs: 852****4567.
func Mask(a channel.Address) string {
	id := a.ID
	if len(id) <= 7 {
		return "****"
	}
	return id[:3] + "****" + id[len(id)-4:]
}
