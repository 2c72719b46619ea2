package tracking

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/switchboard-go/switchboard/channel"
)

// DefaultInterval is the Poller's default polling interval by status.
// Carriers refresh about every 30 minutes (up to 90 at peak season), so
// nothing is polled more often than that: out for delivery every 30 min (the
// customer is waiting today), a failed attempt every 2 h, in transit or an
// exception every 3 h, label created, customs or unknown every 6 h, waiting
// at a pickup point every 12 h. A terminal status returns 0: never again.
func DefaultInterval(s Status) time.Duration {
	switch s {
	case StatusOutForDelivery:
		return 30 * time.Minute
	case StatusFailedAttempt:
		return 2 * time.Hour
	case StatusInTransit, StatusException:
		return 3 * time.Hour
	case StatusAvailableForPickup:
		return 12 * time.Hour
	}
	if s.Terminal() {
		return 0
	}
	return 6 * time.Hour // unknown, info received, customs held
}

// ChangeKind says what changed.
type ChangeKind uint8

// Kinds of Change.
const (
	// StatusChanged: the normalized status differs from the last poll (or
	// the first answer arrived).
	StatusChanged ChangeKind = iota + 1
	// NewEvents: the carrier reported events newer than the last poll's.
	NewEvents
	// BecameStale: the stale rules flagged the shipment (or the reason
	// changed).
	BecameStale
)

// String names the kind.
func (k ChangeKind) String() string {
	switch k {
	case StatusChanged:
		return "status_changed"
	case NewEvents:
		return "new_events"
	case BecameStale:
		return "became_stale"
	}
	return fmt.Sprintf("change(%d)", uint8(k))
}

// Change is one thing the Poller noticed about a watched shipment.
type Change struct {
	// Kind is what changed.
	Kind ChangeKind
	// Carrier and Number identify the shipment.
	Carrier Carrier
	Number  string // normalized, as in the Watch
	// Ref is the Watch's Ref, the caller's reference.
	Ref string
	// From and To are the statuses before and after (StatusChanged; From is
	// StatusUnknown on the first answer).
	From, To Status
	// Events are the new events, newest first (NewEvents).
	Events []Event
	// Stale is the verdict (BecameStale).
	Stale Staleness
	// Shipment is the new snapshot. Treat it as read-only: every Change of
	// one poll shares it.
	Shipment *Shipment
}

// PollerConfig configures a Poller.
type PollerConfig struct {
	// Trackers by carrier (required, at least one).
	Trackers map[Carrier]Tracker
	// Store persists watches; nil means a new MemoryStore.
	Store WatchStore
	// Limits per carrier; nil means DefaultLimits(). A carrier missing from
	// a non-nil map is unlimited.
	Limits map[Carrier]Limit
	// Interval picks the next poll by status; nil means DefaultInterval. A
	// result <= 0 stops polling the shipment.
	Interval func(Status) time.Duration
	// Stale holds the stale thresholds (zero value: 72 h / 48 h).
	Stale StaleRules
	// Clock is the time source; nil means time.Now.
	Clock channel.Clock
	// OnChange, if set, is called synchronously for every Change of a poll,
	// in order.
	OnChange func(Change)
	// MaxPerPoll caps the watches one Poll considers (0 = 1000).
	MaxPerPoll int
	// RateLimitBackoff is how long a carrier is left alone after it answered
	// 429 without Retry-After (0 = 1 min).
	RateLimitBackoff time.Duration
}

// Report summarizes one Poll.
type Report struct {
	Due      int // watches due at the start of the pass
	Calls    int // carrier calls made (a batch counts once)
	Updated  int // watches that got an answer
	NotFound int // watches the carrier did not know (yet)
	Deferred int // watches left due because a limit or quota refused
	Failed   int // watches whose call failed otherwise
	// Changes are the changes noticed in this pass, in the order found.
	Changes []Change
	// Errors holds one error per failed watch or refused carrier, wrapped
	// with the carrier and number.
	Errors []error
}

// Poller watches many shipments and polls each carrier within its rate limit
// and daily quota, at intervals chosen by status, reporting changes. Poll
// runs one pass; Run calls Poll on a ticker. Safe for concurrent use (passes
// are serialized).
type Poller struct {
	cfg     PollerConfig
	store   WatchStore
	pass    sync.Mutex // one pass at a time; guards budgets
	budgets map[Carrier]*budget
}

// NewPoller validates cfg and returns a Poller.
func NewPoller(cfg PollerConfig) (*Poller, error) {
	if len(cfg.Trackers) == 0 {
		return nil, errors.New("tracking: PollerConfig.Trackers is empty")
	}
	p := &Poller{cfg: cfg, store: cfg.Store, budgets: map[Carrier]*budget{}}
	if p.store == nil {
		p.store = NewMemoryStore()
	}
	if p.cfg.Limits == nil {
		p.cfg.Limits = DefaultLimits()
	}
	if p.cfg.Interval == nil {
		p.cfg.Interval = DefaultInterval
	}
	if p.cfg.MaxPerPoll <= 0 {
		p.cfg.MaxPerPoll = 1000
	}
	if p.cfg.RateLimitBackoff <= 0 {
		p.cfg.RateLimitBackoff = time.Minute
	}
	for c := range cfg.Trackers {
		p.budgets[c] = newBudget(p.cfg.Limits[c])
	}
	return p, nil
}

// Store returns the poller's WatchStore, to read what it knows.
func (p *Poller) Store() WatchStore { return p.store }

// Watch starts watching (carrier, number), due at once. Watching a number
// already watched only updates its Ref. It returns ErrNoTracker for a carrier
// without a Tracker and ErrInvalidNumber for an empty number.
func (p *Poller) Watch(ctx context.Context, carrier Carrier, number, ref string) error {
	number = Normalize(number)
	if number == "" {
		return ErrInvalidNumber
	}
	if _, ok := p.cfg.Trackers[carrier]; !ok {
		return fmt.Errorf("%w: %s", ErrNoTracker, carrier)
	}
	w, ok, err := p.store.Load(ctx, carrier, number)
	if err != nil {
		return err
	}
	if ok {
		w.Ref = ref
		return p.store.Save(ctx, w)
	}
	now := p.cfg.Clock.Now()
	return p.store.Save(ctx, Watch{Carrier: carrier, Number: number, Ref: ref, NextPoll: now, Added: now})
}

// Unwatch stops watching (carrier, number) and forgets it.
func (p *Poller) Unwatch(ctx context.Context, carrier Carrier, number string) error {
	return p.store.Delete(ctx, carrier, Normalize(number))
}

// Remaining returns the calls left today for carrier under its daily quota,
// or -1 when it has none.
func (p *Poller) Remaining(carrier Carrier) int {
	p.pass.Lock()
	defer p.pass.Unlock()
	b, ok := p.budgets[carrier]
	if !ok {
		return -1
	}
	return b.remaining(p.cfg.Clock.Now())
}

// Run polls every interval until ctx is done and returns ctx's error. It
// discards each pass's Report: receive changes with PollerConfig.OnChange, or
// call Poll yourself to inspect errors and deferrals. Poll never waits for a
// budget, so an interval near the tightest carrier rate (1 s for DHL) spends
// it best.
func (p *Poller) Run(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		return errors.New("tracking: Run needs a positive interval")
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := p.Poll(ctx); err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Poll runs one pass at the clock's now: it loads the due watches, calls
// each carrier as far as its budget allows (batching where the Tracker is a
// BatchTracker), stores the results and reports the changes. A watch a limit
// refused stays due for the next pass. The returned error is only for store
// failures or ctx ending; carrier failures are in the Report.
func (p *Poller) Poll(ctx context.Context) (*Report, error) {
	p.pass.Lock()
	defer p.pass.Unlock()
	now := p.cfg.Clock.Now()
	due, err := p.store.Due(ctx, now, p.cfg.MaxPerPoll)
	if err != nil {
		return nil, err
	}
	rep := &Report{Due: len(due)}
	var order []Carrier
	groups := map[Carrier][]Watch{}
	for _, w := range due {
		if _, ok := groups[w.Carrier]; !ok {
			order = append(order, w.Carrier)
		}
		groups[w.Carrier] = append(groups[w.Carrier], w)
	}
	for _, c := range order {
		if err := p.pollCarrier(ctx, now, c, groups[c], rep); err != nil {
			return rep, err
		}
	}
	if p.cfg.OnChange != nil {
		for _, ch := range rep.Changes {
			p.cfg.OnChange(ch)
		}
	}
	return rep, nil
}

func (p *Poller) pollCarrier(ctx context.Context, now time.Time, c Carrier, ws []Watch, rep *Report) error {
	tr, ok := p.cfg.Trackers[c]
	if !ok {
		// Watched before the tracker was removed from the config: look
		// again in a day rather than every pass.
		for _, w := range ws {
			rep.Failed++
			rep.Errors = append(rep.Errors, fmt.Errorf("%w: %s %s", ErrNoTracker, c, w.Number))
			w.NextPoll = now.Add(24 * time.Hour)
			if err := p.store.Save(ctx, w); err != nil {
				return err
			}
		}
		return nil
	}
	b := p.budgets[c]
	size := 1
	bt, batch := tr.(BatchTracker)
	if batch && bt.MaxBatch() > 1 {
		size = bt.MaxBatch()
	}
	for len(ws) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk := ws[:min(size, len(ws))]
		if wait, err := b.take(now); err != nil {
			rep.Deferred += len(ws)
			rep.Errors = append(rep.Errors, &limitError{sentinel: err, carrier: c, wait: wait})
			return nil
		}
		rep.Calls++
		results, callErr := p.call(ctx, tr, bt, batch && size > 1, chunk)
		if callErr != nil && errors.Is(callErr, ErrRateLimited) {
			wait, ok := RetryAfter(callErr)
			if !ok {
				wait = p.cfg.RateLimitBackoff
			}
			b.until = now.Add(wait)
			rep.Deferred += len(ws)
			rep.Errors = append(rep.Errors, fmt.Errorf("%s: %w", c, callErr))
			return nil
		}
		for i, w := range chunk {
			r := Result{Number: w.Number, Err: callErr}
			if callErr == nil {
				r = results[i]
			}
			if err := p.apply(ctx, now, w, r, rep); err != nil {
				return err
			}
		}
		ws = ws[len(chunk):]
	}
	return nil
}

// call asks the carrier about chunk, returning one Result per watch (or a
// whole-call error).
func (p *Poller) call(ctx context.Context, tr Tracker, bt BatchTracker, batch bool, chunk []Watch) ([]Result, error) {
	if batch {
		numbers := make([]string, len(chunk))
		for i, w := range chunk {
			numbers[i] = w.Number
		}
		rs, err := bt.TrackBatch(ctx, numbers)
		if err == nil && len(rs) != len(chunk) {
			err = fmt.Errorf("tracking: batch tracker returned %d results for %d numbers", len(rs), len(chunk))
		}
		return rs, err
	}
	s, err := tr.Track(ctx, chunk[0].Number)
	if err != nil && errors.Is(err, ErrRateLimited) {
		return nil, err // throttles the whole carrier
	}
	return []Result{{Number: chunk[0].Number, Shipment: s, Err: err}}, nil
}

// apply stores one answer and records its changes.
func (p *Poller) apply(ctx context.Context, now time.Time, w Watch, r Result, rep *Report) error {
	switch {
	case r.Err == nil && r.Shipment != nil:
		rep.Updated++
		s := r.Shipment
		p.diff(w, s, now, rep)
		w.Shipment, w.Failures, w.LastError = s, 0, ""
		w.Stale = p.cfg.Stale.Evaluate(s, now)
		if d := p.cfg.Interval(s.Status); s.Terminal() || d <= 0 {
			w.Done = true
		} else {
			w.NextPoll = now.Add(d)
		}
	case errors.Is(r.Err, ErrNotFound):
		// Not scanned yet, or mistyped: look again at the unknown interval.
		rep.NotFound++
		w.LastError = r.Err.Error()
		w.NextPoll = now.Add(max(p.cfg.Interval(StatusUnknown), time.Minute))
	default:
		if r.Err == nil {
			r.Err = errors.New("tracking: tracker returned neither shipment nor error")
		}
		rep.Failed++
		rep.Errors = append(rep.Errors, fmt.Errorf("%s %s: %w", w.Carrier, w.Number, r.Err))
		w.Failures++
		w.LastError = r.Err.Error()
		w.NextPoll = now.Add(failureBackoff(w.Failures, p.intervalOf(w)))
	}
	return p.store.Save(ctx, w)
}

func (p *Poller) intervalOf(w Watch) time.Duration {
	st := StatusUnknown
	if w.Shipment != nil {
		st = w.Shipment.Status
	}
	if d := p.cfg.Interval(st); d > 0 {
		return d
	}
	return 6 * time.Hour
}

// failureBackoff is 5 min doubling per consecutive failure, capped at the
// status's normal interval.
func failureBackoff(failures int, ceiling time.Duration) time.Duration {
	d := 5 * time.Minute
	for i := 1; i < failures && d < ceiling; i++ {
		d *= 2
	}
	return min(d, ceiling)
}

func (p *Poller) diff(w Watch, s *Shipment, now time.Time, rep *Report) {
	base := Change{Carrier: w.Carrier, Number: w.Number, Ref: w.Ref, Shipment: s}
	old := w.Shipment
	if old == nil || old.Status != s.Status {
		ch := base
		ch.Kind, ch.To = StatusChanged, s.Status
		if old != nil {
			ch.From = old.Status
		}
		rep.Changes = append(rep.Changes, ch)
	}
	if old != nil {
		var newest time.Time
		if len(old.Events) > 0 {
			newest = old.Events[0].Time
		}
		n := 0
		for n < len(s.Events) && s.Events[n].Time.After(newest) {
			n++
		}
		if n > 0 {
			ch := base
			ch.Kind, ch.Events = NewEvents, s.Events[:n:n]
			rep.Changes = append(rep.Changes, ch)
		}
	}
	if st := p.cfg.Stale.Evaluate(s, now); st.Stale() && st.Reason != w.Stale.Reason {
		ch := base
		ch.Kind, ch.Stale = BecameStale, st
		rep.Changes = append(rep.Changes, ch)
	}
}
