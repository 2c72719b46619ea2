package desk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// CardSource finds the customer card of a customer. The shop adapts its
// identity registry (or anything else) to it; the desk never reads customer
// data any other way. Returned names and contacts must be masked.
type CardSource interface {
	Card(ctx context.Context, customer channel.Address) (Card, error)
}

// CardFunc adapts a function to CardSource.
type CardFunc func(ctx context.Context, customer channel.Address) (Card, error)

// Card calls f.
func (f CardFunc) Card(ctx context.Context, customer channel.Address) (Card, error) {
	return f(ctx, customer)
}

// TranslateFunc translates text from one language to another (BCP 47 tags).
// It is optional. Package lang's Service fits it in a few lines of the
// shop's code:
//
//	translate := func(ctx context.Context, text, from, to string) (string, error) {
//		b, err := svc.Inbound(ctx, text, language.Make(from), language.Make(to))
//		return b.Translation, err
//	}
type TranslateFunc func(ctx context.Context, text, from, to string) (string, error)

// Config configures a Desk. Only Sender is needed for agents' replies; every
// other field has a default.
type Config struct {
	// Store keeps the state; nil means a new MemoryStore.
	Store Store
	// Sender sends agents' replies (a channel.Router over the adapters,
	// wrapped in the shop's middlewares). Nil makes Reply fail.
	Sender channel.Sender
	// Clock is the time source; nil means time.Now.
	Clock channel.Clock
	// Cards finds customer cards; nil means conversations carry none.
	Cards CardSource
	// Translate, if set, translates customer messages not written in
	// Language for the agents.
	Translate TranslateFunc
	// Language is the agents' working language; "" means "en".
	Language string

	// Teams maps an inquiry type to the team that answers it ("refund" →
	// "after-sales"); DefaultTeam takes the rest.
	Teams map[string]string
	// DefaultTeam answers the inquiry types Teams does not name; "" means
	// "support".
	DefaultTeam string
	// SkillsByType lists the skills an inquiry type prefers.
	SkillsByType map[string][]string
	// Capacity is the default most open conversations per agent; 0 means 5.
	Capacity int
	// PriorityInquiries makes a customer with at least this many inquiries
	// in 30 days (Card.RecentInquiries) a priority customer; 0 means 3.
	PriorityInquiries int
	// HighSpend makes a customer whose Card.Spend reaches it a priority
	// customer; 0 disables the rule.
	HighSpend int64

	// Retention is how long an unanswered conversation waits for a person
	// before it expires; 0 means 30 days.
	Retention time.Duration
	// Reminders are the delays after the oldest unanswered message at which
	// EventReminder fires; after the last, one more every 24 h. Nil means
	// 1 h, 4 h, 24 h.
	Reminders []time.Duration
	// ReopenWithin: a customer writing within this time after resolution
	// reopens the conversation instead of starting a new one; 0 means 7 days.
	ReopenWithin time.Duration
	// OfflineGrace is how long an agent may be offline before its
	// conversations go back to the queue; 0 means 2 minutes.
	OfflineGrace time.Duration
	// ReplyTimeout: an assigned conversation whose customer has waited this
	// long for the agent goes to another agent; 0 means 15 minutes,
	// negative disables it.
	ReplyTimeout time.Duration

	// Calendar holds business hours for SLA timers; nil counts all hours.
	Calendar *Calendar
	// Targets are the SLA targets per priority; a priority absent uses
	// PriorityNormal's, and nil means DefaultTargets().
	Targets map[Priority]Targets

	// Templates are the approved templates agents may pick when a channel's
	// window is closed, per channel.
	Templates map[channel.Kind][]TemplateOption
	// Policy checks replies for promises the shop cannot keep; nil means
	// DefaultPhrasePolicy().
	Policy *PhrasePolicy
	// Suggester proposes FAQ answers; nil means none.
	Suggester Suggester
	// RatingPrompt, when set, is sent on resolution if the window allows,
	// with buttons 1–5; "" sends no prompt.
	RatingPrompt string
	// RatingWindow is how long after resolution a customer's rating is
	// still recorded; 0 means 7 days.
	RatingWindow time.Duration

	// Tick is how often Run checks timers and sweeps the queue; 0 means
	// 500 ms, so an SLA event fires within half a second (plus one pass) of
	// its due time.
	Tick time.Duration
	// StoreAttempts is how many times a store call is tried before its
	// error is returned; 0 means 3.
	StoreAttempts int
	// RetryBackoff is the wait before the second try of a store call; the
	// wait grows linearly (2×, 3× …) with each further try. 0 means 50 ms.
	RetryBackoff time.Duration
	// Logger receives problems the desk works around (a card source error);
	// nil discards them.
	Logger *slog.Logger
	// OnEvent, if set, is called synchronously for every event (after the
	// subscribers got it). It must not block long.
	OnEvent func(Event)
}

// Desk runs hand-off conversations: the offline inbox, assignment, SLA
// timers, agent replies and the audit. Create it with New, start Run in a
// goroutine, and mount Console for the agents. A Desk is safe for concurrent
// use; several Desks (one per process) may share one Store.
type Desk struct {
	cfg   Config
	store Store
	now   func() time.Time
	kick  chan struct{}

	passMu sync.Mutex

	subMu  sync.Mutex
	subs   map[int]chan Event
	nextID int
}

// New returns a Desk. It fails with ErrInvalid when a template option or a
// calendar interval is malformed.
func New(cfg Config) (*Desk, error) {
	if cfg.Store == nil {
		cfg.Store = NewMemoryStore()
	}
	if cfg.Language == "" {
		cfg.Language = "en"
	}
	if cfg.DefaultTeam == "" {
		cfg.DefaultTeam = "support"
	}
	if cfg.Capacity <= 0 {
		cfg.Capacity = 5
	}
	if cfg.PriorityInquiries <= 0 {
		cfg.PriorityInquiries = 3
	}
	if cfg.Retention <= 0 {
		cfg.Retention = 30 * 24 * time.Hour
	}
	if cfg.Reminders == nil {
		cfg.Reminders = []time.Duration{time.Hour, 4 * time.Hour, 24 * time.Hour}
	}
	if cfg.ReopenWithin <= 0 {
		cfg.ReopenWithin = 7 * 24 * time.Hour
	}
	if cfg.OfflineGrace <= 0 {
		cfg.OfflineGrace = 2 * time.Minute
	}
	if cfg.ReplyTimeout == 0 {
		cfg.ReplyTimeout = 15 * time.Minute
	}
	if cfg.Targets == nil {
		cfg.Targets = DefaultTargets()
	}
	if cfg.Policy == nil {
		cfg.Policy = DefaultPhrasePolicy()
	}
	if cfg.RatingWindow <= 0 {
		cfg.RatingWindow = 7 * 24 * time.Hour
	}
	if cfg.Tick <= 0 {
		cfg.Tick = 500 * time.Millisecond
	}
	if cfg.StoreAttempts <= 0 {
		cfg.StoreAttempts = 3
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = 50 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cal := cfg.Calendar; cal != nil {
		for wd, ivs := range cal.Week {
			for _, iv := range ivs {
				if iv.Start < 0 || iv.Start >= 24*60 || iv.End < 0 || iv.End > 24*60 {
					return nil, fmt.Errorf("%w: calendar interval %v on %s", ErrInvalid, iv, wd)
				}
			}
		}
		for _, h := range cal.Holidays {
			if _, err := time.Parse(time.DateOnly, h); err != nil {
				return nil, fmt.Errorf("%w: holiday %q: want YYYY-MM-DD", ErrInvalid, h)
			}
		}
	}
	for k, opts := range cfg.Templates {
		for _, o := range opts {
			if o.Name == "" || o.Params < 0 {
				return nil, fmt.Errorf("%w: template option on %s needs a name", ErrInvalid, k)
			}
		}
	}
	now := time.Now
	if cfg.Clock != nil {
		now = cfg.Clock
	}
	return &Desk{cfg: cfg, store: cfg.Store, now: now, kick: make(chan struct{}, 1), subs: make(map[int]chan Event)}, nil
}

// Store returns the desk's store.
func (d *Desk) Store() Store { return d.store }

// Now returns the desk clock's current time.
func (d *Desk) Now() time.Time { return d.now() }

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}

// retry runs op up to StoreAttempts times while it fails with an error that
// is not one of the desk's sentinels (those are answers, not outages).
func (d *Desk) retry(ctx context.Context, op func() error) error {
	var err error
	for i := 0; i < d.cfg.StoreAttempts; i++ {
		if err = op(); err == nil || isAnswer(err) {
			return err
		}
		if i+1 < d.cfg.StoreAttempts {
			select {
			case <-ctx.Done():
				return fmt.Errorf("desk: store: %w (then %w)", err, ctx.Err())
			case <-time.After(time.Duration(i+1) * d.cfg.RetryBackoff):
			}
		}
	}
	return fmt.Errorf("desk: store failed %d times: %w", d.cfg.StoreAttempts, err)
}

func isAnswer(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) || errors.Is(err, ErrCapacity) ||
		errors.Is(err, ErrInvalid) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// maxConflicts bounds the optimistic-concurrency retries of one change.
const maxConflicts = 16

// update reads a conversation, applies change and writes it back, again
// while another writer got there first. change may return an error to
// abort; it must not keep references to c.
func (d *Desk) update(ctx context.Context, id string, change func(c *Conversation) error) (Conversation, error) {
	for range maxConflicts {
		var c Conversation
		if err := d.retry(ctx, func() (err error) { c, err = d.store.Conversation(ctx, id); return err }); err != nil {
			return Conversation{}, err
		}
		if err := change(&c); err != nil {
			return Conversation{}, err
		}
		var out Conversation
		err := d.retry(ctx, func() (err error) { out, err = d.store.UpdateConversation(ctx, c); return err })
		if errors.Is(err, ErrConflict) {
			continue
		}
		return out, err
	}
	return Conversation{}, fmt.Errorf("%w: conversation %s kept changing", ErrConflict, id)
}

// Conversation returns one conversation.
func (d *Desk) Conversation(ctx context.Context, id string) (Conversation, error) {
	var c Conversation
	err := d.retry(ctx, func() (err error) { c, err = d.store.Conversation(ctx, id); return err })
	return c, err
}

// Queue lists the queued conversations in queue order, without transcripts.
func (d *Desk) Queue(ctx context.Context) ([]Conversation, error) {
	return d.list(ctx, Query{Statuses: []Status{StatusQueued}, Summary: true})
}

// Mine lists the conversations assigned to an agent, without transcripts.
func (d *Desk) Mine(ctx context.Context, agentID string) ([]Conversation, error) {
	return d.list(ctx, Query{Statuses: []Status{StatusAssigned}, Agent: agentID, Summary: true})
}

func (d *Desk) list(ctx context.Context, q Query) ([]Conversation, error) {
	var cs []Conversation
	err := d.retry(ctx, func() (err error) { cs, err = d.store.Conversations(ctx, q); return err })
	return cs, err
}

// Audit lists a conversation's audit entries.
func (d *Desk) Audit(ctx context.Context, conversationID string) ([]AuditEntry, error) {
	var es []AuditEntry
	err := d.retry(ctx, func() (err error) { es, err = d.store.Audit(ctx, conversationID); return err })
	return es, err
}

func (d *Desk) audit(ctx context.Context, e AuditEntry) error {
	return d.retry(ctx, func() error { return d.store.AppendAudit(ctx, e) })
}

// Handoff describes a bot's hand-off of a customer to people.
type Handoff struct {
	// Customer is the customer's address; required. A customer has at most
	// one open conversation, which later hand-offs add to.
	Customer channel.Address
	// Reason says why ("keyword", "repeated question", "3 misses", ...).
	Reason string
	// InquiryType routes to a team (Config.Teams); "" keeps the
	// conversation's team, or gives a new one Config.DefaultTeam.
	InquiryType string
	// Language is the customer's language (BCP 47); "" keeps the one known.
	Language string
	// Tags are added to the conversation's ("vip" and "priority" raise its
	// priority).
	Tags []string
	// Skills preferred for this conversation, added to SkillsByType's.
	Skills []string
	// Transcript is the conversation so far (the per-customer thread),
	// oldest first; Message is the message that triggered the hand-off, if
	// any, appended after it.
	Transcript []Entry
	// Message is the customer's message that triggered the hand-off; nil
	// when there is none.
	Message *channel.Message
	// Priority raises the priority the desk works out itself.
	Priority Priority
}

// Handoff opens the customer's desk conversation, or reopens or updates it,
// and queues it for an agent. A card source error is logged and the
// conversation opened without a card; a store error is returned (after
// retries) and nothing is half-done that a retry of Handoff would not repair.
func (d *Desk) Handoff(ctx context.Context, h Handoff) (Conversation, error) {
	if h.Customer.IsZero() {
		return Conversation{}, fmt.Errorf("%w: hand-off without a customer", ErrInvalid)
	}
	now := d.now()
	var card Card
	if d.cfg.Cards != nil {
		c, err := d.cfg.Cards.Card(ctx, h.Customer)
		if err != nil {
			d.cfg.Logger.WarnContext(ctx, "desk: customer card unavailable", "channel", h.Customer.Channel, "err", err)
		} else {
			card = c.clone()
		}
	}
	prio := max(h.Priority, d.priorityOf(card, append(slices.Clone(h.Tags), card.Tags...)))
	team := d.cfg.DefaultTeam
	if t, ok := d.cfg.Teams[h.InquiryType]; ok {
		team = t
	}
	skills := mergeSet(d.cfg.SkillsByType[h.InquiryType], h.Skills)
	entries := slices.Clone(h.Transcript)
	var lastCustomer time.Time
	if m := h.Message; m != nil {
		at := m.Time
		if at.IsZero() {
			at = now
		}
		entries = append(entries, d.customerEntry(ctx, m, h.Language, at))
	}
	preview := ""
	for _, e := range entries {
		if e.Author == AuthorCustomer && !e.At.Before(lastCustomer) {
			lastCustomer, preview = e.At, e.Text
		}
	}

	for range maxConflicts {
		var prev Conversation
		err := d.retry(ctx, func() (err error) { prev, err = d.store.Latest(ctx, h.Customer); return err })
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Conversation{}, err
		}
		fresh := errors.Is(err, ErrNotFound) ||
			!prev.Status.Open() && now.Sub(prev.ResolvedAt) > d.cfg.ReopenWithin && prev.Status != StatusExpired
		var c Conversation
		if fresh {
			c = Conversation{ID: newID(), Customer: h.Customer}
		} else {
			c = prev
			if c.Status.Open() {
				// Already with people: add what is new and keep its place.
				entries = newerThan(entries, c.Transcript)
			}
		}
		if !c.Status.Open() {
			c.Status, c.QueuedAt, c.OpenedAt = StatusQueued, now, now
			c.FirstResponseAt, c.ResolvedAt, c.Rating, c.RatedAt = time.Time{}, time.Time{}, 0, time.Time{}
			c.Previous = nil
		}
		c.Card = card
		if h.Language != "" {
			c.Language = h.Language
		}
		c.Tags = mergeSet(c.Tags, h.Tags)
		c.Skills = mergeSet(c.Skills, skills)
		if h.Reason != "" {
			c.Reason = h.Reason
		}
		if h.InquiryType != "" {
			c.InquiryType = h.InquiryType
			if c.Status == StatusQueued {
				c.Team = team
			}
		}
		if c.Team == "" {
			c.Team = team
		}
		c.Priority = max(c.Priority, prio)
		c.Transcript = append(c.Transcript, entries...)
		if !lastCustomer.IsZero() {
			d.customerWrote(&c, lastCustomer)
			c.Preview = previewOf(preview)
		}
		c.Transcript = append(c.Transcript, Entry{At: now, Author: AuthorSystem, Text: "handed off: " + c.Reason})

		var out Conversation
		if fresh {
			err = d.retry(ctx, func() (err error) { out, err = d.store.CreateConversation(ctx, c); return err })
		} else {
			err = d.retry(ctx, func() (err error) { out, err = d.store.UpdateConversation(ctx, c); return err })
		}
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return Conversation{}, err
		}
		d.emit(Event{Type: EventQueued, At: now, ConversationID: out.ID, Agent: out.Agent})
		d.Kick()
		return out, nil
	}
	return Conversation{}, fmt.Errorf("%w: customer's conversation kept changing", ErrConflict)
}

// newerThan drops from entries those already at the end of have (a repeated
// hand-off carrying the whole thread again).
func newerThan(entries, have []Entry) []Entry {
	var last time.Time
	for _, e := range have {
		if e.Author != AuthorSystem && e.At.After(last) {
			last = e.At
		}
	}
	var out []Entry
	for _, e := range entries {
		if e.At.After(last) {
			out = append(out, e)
		}
	}
	return out
}

func mergeSet(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// priorityOf applies the seed rules: VIP card or tag first; then customers
// with many recent inquiries or a high spend, or a "priority" tag.
func (d *Desk) priorityOf(card Card, tags []string) Priority {
	switch {
	case card.VIP || slices.Contains(tags, "vip"):
		return PriorityVIP
	case card.RecentInquiries >= d.cfg.PriorityInquiries,
		d.cfg.HighSpend > 0 && card.Spend >= d.cfg.HighSpend,
		slices.Contains(tags, "priority"):
		return PriorityHigh
	}
	return PriorityNormal
}

func (d *Desk) customerEntry(ctx context.Context, m *channel.Message, lang string, at time.Time) Entry {
	text := m.Text
	if text == "" && m.Media != nil {
		text = "[" + string(m.Media.Type) + "] " + m.Media.Caption
	}
	if text == "" && m.Payload != "" {
		text = m.Payload
	}
	e := Entry{At: at, Author: AuthorCustomer, Text: text, MessageID: m.ID}
	if d.cfg.Translate != nil && lang != "" && baseLang(lang) != baseLang(d.cfg.Language) && text != "" {
		tr, err := d.cfg.Translate(ctx, text, lang, d.cfg.Language)
		if err != nil {
			d.cfg.Logger.WarnContext(ctx, "desk: translation failed", "err", err)
		} else {
			e.Translation = tr
		}
	}
	return e
}

// customerWrote marks c as waiting for a person since at (if not already).
func (d *Desk) customerWrote(c *Conversation, at time.Time) {
	if at.After(c.LastCustomerAt) {
		c.LastCustomerAt = at
	}
	c.AgentMessagesSinceCustomer = 0
	if !c.Unanswered {
		c.Unanswered, c.WaitingSince, c.Reminders = true, at, 0
	}
	c.ExpiresAt = c.LastCustomerAt.Add(d.cfg.Retention)
}

// CustomerMessage records a customer's message in the customer's desk
// conversation when one is open (the bot should then stay quiet) and reports
// true; a rating answer to a resolved conversation is recorded and reports
// true too. It reports false when the customer has no open conversation, so
// the caller lets the bot answer (and calls Handoff if the bot hands off).
func (d *Desk) CustomerMessage(ctx context.Context, m *channel.Message) (Conversation, bool, error) {
	if m == nil || m.From.IsZero() {
		return Conversation{}, false, fmt.Errorf("%w: message without a sender", ErrInvalid)
	}
	now := d.now()
	var prev Conversation
	err := d.retry(ctx, func() (err error) { prev, err = d.store.Latest(ctx, m.From); return err })
	if errors.Is(err, ErrNotFound) {
		return Conversation{}, false, nil
	}
	if err != nil {
		return Conversation{}, false, err
	}
	if !prev.Status.Open() {
		if n, ok := ParseRating(m.Payload, m.Text); ok && prev.Status == StatusResolved && prev.Rating == 0 &&
			now.Sub(prev.ResolvedAt) <= d.cfg.RatingWindow {
			c, err := d.Rate(ctx, prev.ID, n)
			return c, err == nil, err
		}
		return Conversation{}, false, nil
	}
	at := m.Time
	if at.IsZero() {
		at = now
	}
	e := d.customerEntry(ctx, m, prev.Language, at)
	c, err := d.update(ctx, prev.ID, func(c *Conversation) error {
		if !c.Status.Open() {
			return fmt.Errorf("%w: conversation closed meanwhile", ErrConflict)
		}
		c.Transcript = append(c.Transcript, e)
		d.customerWrote(c, at)
		c.Preview = previewOf(e.Text)
		return nil
	})
	if err != nil {
		return Conversation{}, false, err
	}
	d.emit(Event{Type: EventMessage, At: now, ConversationID: c.ID, Agent: c.Agent})
	return c, true, nil
}

// BotReply records an automatic reply in the transcript. It never clears
// Unanswered: only a person's reply does.
func (d *Desk) BotReply(ctx context.Context, conversationID, text string) (Conversation, error) {
	now := d.now()
	c, err := d.update(ctx, conversationID, func(c *Conversation) error {
		c.Transcript = append(c.Transcript, Entry{At: now, Author: AuthorBot, Text: text})
		return nil
	})
	if err == nil {
		d.emit(Event{Type: EventMessage, At: now, ConversationID: c.ID, Agent: c.Agent})
	}
	return c, err
}

func baseLang(tag string) string {
	for i := 0; i < len(tag); i++ {
		if tag[i] == '-' || tag[i] == '_' {
			return tag[:i]
		}
	}
	return tag
}

// previewOf cuts text to about 120 characters on a rune boundary.
func previewOf(text string) string {
	const n = 120
	r := []rune(strings.Join(strings.Fields(text), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
