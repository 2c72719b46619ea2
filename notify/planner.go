package notify

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// WindowSource says whether a customer's customer-service window is open
// now. *channel.Windows implements it.
type WindowSource interface {
	Open(a channel.Address) bool
}

// QuotaSource reports a quota's use. *channel.Quota implements it.
type QuotaSource interface {
	Usage() channel.QuotaUsage
}

// SentCounter counts the messages sent to a WeChat customer since their
// last message, for WeChat's limit of a few customer-service messages per
// interaction.
type SentCounter interface {
	SentSince(ctx context.Context, a channel.Address) (int, error)
}

// Config configures a Planner. Windows is required; the zero value of every
// other field has the default its comment gives.
type Config struct {
	// Windows tells whether each customer's window is open. Required.
	Windows WindowSource
	// Clock is the planner's time; nil means time.Now.
	Clock channel.Clock
	// Caps enforces the frequency cap; nil means a MemoryCapStore (one
	// instance). Use a shared store for several instances.
	Caps CapStore
	// CapPeriod is, per kind, the period within which a customer gets at
	// most one capped notice; 0 leaves the kind uncapped. nil means
	// Utility and Marketing 24 h, Transactional uncapped.
	CapPeriod map[Kind]time.Duration
	// Quiet is the quiet hours in the customer's local time; the zero
	// value means 21:00–08:00 for Utility and Marketing. Set Kinds to an
	// empty, non-nil slice for none.
	Quiet QuietHours
	// ShopZone is the shop's time zone, used when the customer's is
	// unknown; nil means UTC.
	ShopZone *time.Location
	// Quotas are the channels' send quotas; above QuotaThreshold of one,
	// Marketing notices on that channel are batched (deferred to the next
	// BatchEvery boundary) while other kinds keep going.
	Quotas map[channel.Kind]QuotaSource
	// QuotaThreshold is the fraction above which marketing is batched; 0
	// means 0.8.
	QuotaThreshold float64
	// BatchEvery is the batching period; 0 means 1 h.
	BatchEvery time.Duration
	// MessengerTags is the message tag per kind for Messenger outside the
	// window; nil means Transactional POST_PURCHASE_UPDATE and Utility
	// ACCOUNT_UPDATE. A kind without a tag (Marketing) has no route there.
	// Meta is moving tags to utility templates: keep this configuration.
	MessengerTags map[Kind]string
	// WeChatSent counts messages sent within the current WeChat window;
	// nil means not counted (the adapter's 45047 error still stops a sixth).
	WeChatSent SentCounter
	// WeChatLimit is how many messages WeChat allows per interaction; 0
	// means 5.
	WeChatLimit int
	// Seen remembers planned notice IDs (duplicates are dropped); nil means
	// a channel.MemoryDedupeStore. Use a shared store for several instances.
	Seen channel.DedupeStore
	// SeenTTL is how long a notice ID is remembered; 0 means 30 days.
	SeenTTL time.Duration
}

// QuietHours is a daily period in the customer's local time during which
// notices of Kinds are deferred to its end. From after To wraps midnight
// (21:00–08:00). From equal to To means no quiet hours.
type QuietHours struct {
	// From and To bound the period, in the customer's wall-clock time.
	From, To TimeOfDay
	// Kinds are the notice kinds deferred; other kinds are sent at any
	// hour.
	Kinds []Kind
}

// TimeOfDay is a wall-clock time.
type TimeOfDay struct {
	Hour   int // 0–23
	Minute int // 0–59
}

func (t TimeOfDay) minutes() int { return t.Hour*60 + t.Minute }

// Planner decides what happens to each notice. Deferred notices are held in
// the planner's memory until Due plans them again; the cap and the
// duplicate check live in Config.Caps and Config.Seen, so several planners
// sharing those stores never send a customer more than the cap allows.
//
// A Planner is safe for concurrent use.
type Planner struct {
	cfg   Config
	zones *zoneCache

	mu      sync.Mutex
	pending map[string]Decision // deferred, by coalesce key (or "\x00"+ID)
}

// ErrNoWindows: Config.Windows is nil.
var ErrNoWindows = errors.New("notify: Config.Windows is required")

// New returns a Planner.
func New(cfg Config) (*Planner, error) {
	if cfg.Windows == nil {
		return nil, ErrNoWindows
	}
	if cfg.Caps == nil {
		cfg.Caps = NewMemoryCapStore()
	}
	if cfg.CapPeriod == nil {
		cfg.CapPeriod = map[Kind]time.Duration{Utility: 24 * time.Hour, Marketing: 24 * time.Hour}
	}
	if cfg.Quiet.Kinds == nil && cfg.Quiet.From == cfg.Quiet.To {
		cfg.Quiet = QuietHours{From: TimeOfDay{21, 0}, To: TimeOfDay{8, 0}, Kinds: []Kind{Utility, Marketing}}
	}
	if cfg.ShopZone == nil {
		cfg.ShopZone = time.UTC
	}
	if cfg.QuotaThreshold <= 0 {
		cfg.QuotaThreshold = 0.8
	}
	if cfg.BatchEvery <= 0 {
		cfg.BatchEvery = time.Hour
	}
	if cfg.MessengerTags == nil {
		cfg.MessengerTags = map[Kind]string{Transactional: "POST_PURCHASE_UPDATE", Utility: "ACCOUNT_UPDATE"}
	}
	if cfg.WeChatLimit <= 0 {
		cfg.WeChatLimit = 5
	}
	if cfg.Seen == nil {
		cfg.Seen = channel.NewMemoryDedupeStore(0)
	}
	if cfg.SeenTTL <= 0 {
		cfg.SeenTTL = 30 * 24 * time.Hour
	}
	return &Planner{cfg: cfg, zones: newZoneCache(cfg.ShopZone), pending: map[string]Decision{}}, nil
}

func (p *Planner) now() time.Time { return p.cfg.Clock.Now() }

// Plan plans a new notice. It returns the notice's decision and, when the
// notice replaced a pending one with the same coalesce key, that one's
// Coalesced decision first. A deferred notice is held until Due.
//
// An error (a cap or seen store that did not answer) means nothing was
// decided for n: plan it again later. An invalid notice (no ID, address,
// kind or template key) is dropped with ReasonInvalid, not an error.
func (p *Planner) Plan(ctx context.Context, n Notice) ([]Decision, error) {
	now := p.now()
	if n.ID == "" || n.To.IsZero() || n.Kind < Transactional || n.Kind > Marketing || n.TemplateKey == "" {
		return []Decision{{Notice: n, Action: Drop, Reason: ReasonInvalid, At: now}}, nil
	}
	key := "notice\x00" + n.ID
	st, err := p.cfg.Seen.Claim(ctx, key, now, time.Minute)
	if err != nil {
		return nil, fmt.Errorf("notify: %w: %w", channel.ErrUnavailable, err)
	}
	if st != channel.ClaimNew {
		return []Decision{{Notice: n, Action: Drop, Reason: ReasonDuplicate, At: now}}, nil
	}
	d, err := p.decide(ctx, n, now)
	if err != nil {
		_ = p.cfg.Seen.Release(context.WithoutCancel(ctx), key)
		return nil, err
	}
	if err := p.cfg.Seen.Complete(context.WithoutCancel(ctx), key, now, p.cfg.SeenTTL); err != nil {
		return nil, fmt.Errorf("notify: %w: %w", channel.ErrUnavailable, err)
	}
	var out []Decision
	p.mu.Lock()
	if n.CoalesceKey != "" {
		if old, ok := p.pending[pendingKey(n)]; ok {
			delete(p.pending, pendingKey(n))
			out = append(out, Decision{Notice: old.Notice, Action: Coalesced, Reason: ReasonReplaced, At: now, ReplacedBy: n.ID})
		}
	}
	if d.Action == Defer {
		p.pending[pendingKey(n)] = d
	}
	p.mu.Unlock()
	return append(out, d), nil
}

func pendingKey(n Notice) string {
	if n.CoalesceKey != "" {
		return n.CoalesceKey
	}
	return "\x00" + n.ID
}

// Due plans again every deferred notice whose time has come, oldest first,
// and returns their decisions (which may defer them again). On a store
// error the notices not yet planned stay pending and the error is returned
// with the decisions taken so far.
func (p *Planner) Due(ctx context.Context) ([]Decision, error) {
	now := p.now()
	p.mu.Lock()
	var due []Decision
	for k, d := range p.pending {
		if !d.At.After(now) {
			due = append(due, d)
			delete(p.pending, k)
		}
	}
	p.mu.Unlock()
	sort.Slice(due, func(i, j int) bool {
		if !due[i].At.Equal(due[j].At) {
			return due[i].At.Before(due[j].At)
		}
		return due[i].Notice.ID < due[j].Notice.ID
	})
	out := make([]Decision, 0, len(due))
	for i, old := range due {
		d, err := p.decide(ctx, old.Notice, now)
		if err != nil {
			p.mu.Lock()
			for _, rest := range due[i:] {
				if r, replaced := p.keep(rest, now); replaced {
					out = append(out, r)
				}
			}
			p.mu.Unlock()
			return out, err
		}
		if d.Action == Defer {
			p.mu.Lock()
			if r, replaced := p.keep(d, now); replaced {
				d = r
			}
			p.mu.Unlock()
		}
		out = append(out, d)
	}
	return out, nil
}

// keep holds the deferred d again, unless a newer notice with its coalesce
// key was planned while d was out of the queue: then d is replaced, and
// keep returns its Coalesced decision. p.mu must be held.
func (p *Planner) keep(d Decision, now time.Time) (Decision, bool) {
	k := pendingKey(d.Notice)
	if cur, ok := p.pending[k]; ok && cur.Notice.ID != d.Notice.ID {
		return Decision{Notice: d.Notice, Action: Coalesced, Reason: ReasonReplaced, At: now, ReplacedBy: cur.Notice.ID}, true
	}
	p.pending[k] = d
	return Decision{}, false
}

// Pending returns how many notices are deferred.
func (p *Planner) Pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.pending)
}

// NextDue returns the earliest time a deferred notice is due, and false
// when none is pending: a caller's loop sleeps until then.
func (p *Planner) NextDue() (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var first time.Time
	for _, d := range p.pending {
		if first.IsZero() || d.At.Before(first) {
			first = d.At
		}
	}
	return first, !first.IsZero()
}

// decide takes the decision for n at now. It takes the frequency cap when
// it decides to send.
func (p *Planner) decide(ctx context.Context, n Notice, now time.Time) (Decision, error) {
	d := Decision{Notice: n, At: now}
	if !n.ExpiresAt.IsZero() && !now.Before(n.ExpiresAt) {
		d.Action, d.Reason = Drop, ReasonExpired
		return d, nil
	}
	if n.NotBefore.After(now) {
		d.Action, d.Reason, d.At = Defer, ReasonNotBefore, n.NotBefore
		return d, nil
	}
	if p.quietKind(n.Kind) {
		if end, quiet := p.quietUntil(n, now); quiet {
			d.Action, d.Reason, d.At = Defer, ReasonQuietHours, end
			return d, nil
		}
	}
	route, tag, err := p.route(ctx, n)
	if err != nil {
		return d, err
	}
	if route == 0 {
		d.Action, d.Reason = Drop, ReasonNoRoute
		return d, nil
	}
	if n.Kind == Marketing {
		if q := p.cfg.Quotas[n.To.Channel]; q != nil && q.Usage().Above(p.cfg.QuotaThreshold) {
			d.Action, d.Reason, d.At = Defer, ReasonQuota, now.Truncate(p.cfg.BatchEvery).Add(p.cfg.BatchEvery)
			return d, nil
		}
	}
	if period := p.cfg.CapPeriod[n.Kind]; period > 0 {
		customer := n.Customer
		if customer == "" {
			customer = n.To.String()
		}
		ok, next, err := p.cfg.Caps.Take(ctx, customer, now, period)
		if err != nil {
			return d, fmt.Errorf("notify: frequency cap: %w: %w", channel.ErrUnavailable, err)
		}
		if !ok {
			d.Action, d.Reason, d.At = Defer, ReasonCapped, next
			return d, nil
		}
	}
	d.Action, d.Route, d.Tag = Send, route, tag
	switch route {
	case FreeText:
		d.Reason = ReasonWindowOpen
	case Template:
		d.Reason = ReasonTemplate
	case Tagged:
		d.Reason = ReasonTag
	case Push:
		d.Reason = ReasonPush
	}
	return d, nil
}

// route says how n can go out now, or 0 when it cannot.
func (p *Planner) route(ctx context.Context, n Notice) (Route, string, error) {
	open := p.cfg.Windows.Open(n.To)
	switch n.To.Channel {
	case channel.LINE:
		return Push, "", nil
	case channel.WhatsApp:
		if open {
			return FreeText, "", nil
		}
		return Template, "", nil
	case channel.Messenger:
		if open {
			return FreeText, "", nil
		}
		if tag := p.cfg.MessengerTags[n.Kind]; tag != "" {
			return Tagged, tag, nil
		}
		return 0, "", nil
	case channel.WeChat:
		if !open {
			return 0, "", nil
		}
		if p.cfg.WeChatSent != nil {
			sent, err := p.cfg.WeChatSent.SentSince(ctx, n.To)
			if err != nil {
				return 0, "", fmt.Errorf("notify: wechat sent count: %w: %w", channel.ErrUnavailable, err)
			}
			if sent >= p.cfg.WeChatLimit {
				return 0, "", nil
			}
		}
		return FreeText, "", nil
	}
	if open {
		return FreeText, "", nil
	}
	return 0, "", nil
}

func (p *Planner) quietKind(k Kind) bool {
	for _, q := range p.cfg.Quiet.Kinds {
		if q == k {
			return true
		}
	}
	return false
}

// quietUntil reports whether now is within quiet hours in any of the
// customer's possible time zones, and the latest end among them.
func (p *Planner) quietUntil(n Notice, now time.Time) (time.Time, bool) {
	from, to := p.cfg.Quiet.From.minutes(), p.cfg.Quiet.To.minutes()
	if from == to {
		return time.Time{}, false
	}
	var end time.Time
	for _, loc := range p.zones.of(n) {
		if e, ok := quietEnd(now.In(loc), from, to, p.cfg.Quiet.To); ok && e.After(end) {
			end = e
		}
	}
	return end, !end.IsZero()
}

// quietEnd reports whether local is within [from, to) (minutes since
// midnight, wrapping when from > to) and when that quiet period ends.
func quietEnd(local time.Time, from, to int, at TimeOfDay) (time.Time, bool) {
	m := local.Hour()*60 + local.Minute()
	y, mo, d := local.Date()
	switch {
	case from < to && m >= from && m < to:
	case from > to && m >= from:
		d++ // ends tomorrow
	case from > to && m < to:
	default:
		return time.Time{}, false
	}
	return time.Date(y, mo, d, at.Hour, at.Minute, 0, 0, local.Location()), true
}
