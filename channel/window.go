package channel

import (
	"context"
	"fmt"
	"hash/maphash"
	"sync"
	"time"
)

// DefaultWindows returns the customer-service windows of the platforms that
// have one: WhatsApp and Messenger 24 h after the customer's last message,
// WeChat 48 h after the last interaction. LINE has none (push is allowed at
// any time, against a quota).
func DefaultWindows() map[Kind]time.Duration {
	return map[Kind]time.Duration{
		WhatsApp:  24 * time.Hour,
		Messenger: 24 * time.Hour,
		WeChat:    48 * time.Hour,
	}
}

// WindowConfig configures Windows.
type WindowConfig struct {
	// Durations per channel; nil means DefaultWindows(). A channel absent from
	// the map has no window.
	Durations map[Kind]time.Duration
	// Clock decides whether a window is still open; nil means time.Now.
	Clock Clock
	// Store, if set, keeps the last interactions instead of this process's
	// memory, so a window opened by a message on one instance is open on
	// the others and survives a restart. Nil keeps them in memory. With a
	// Store, Windows still remembers what it observed or read: a window
	// only grows, so one it knows to be open is not asked for again.
	Store WindowStore
}

// Windows tracks each customer's customer-service window from the inbound
// events it observes, and its Middleware refuses free-form messages outside
// the window.
//
// Memory is bounded by the customers who wrote within the longest window:
// older entries are swept as the map grows. Customers are kept by a 64-bit
// keyed hash of their address (two sharing one, odds about 10⁻⁸ among a
// million, would share a window). Windows is safe for concurrent use.
type Windows struct {
	durations map[Kind]time.Duration
	longest   time.Duration
	clock     Clock
	store     WindowStore

	seed      maphash.Seed
	mu        sync.Mutex
	last      map[uint64]int64 // last interaction (unix ns) by addressKey
	nextSweep int
}

// WindowStore keeps when each customer last wrote, for Windows shared by
// several instances. store/sqlite, store/postgres and store/redis implement
// it. Implementations must be safe for concurrent use.
type WindowStore interface {
	// Touch records that a wrote at at, keeping the later of at and the
	// stored time; the record may be forgotten after at+ttl.
	Touch(ctx context.Context, a Address, at time.Time, ttl time.Duration) error
	// LastSeen returns when a last wrote, and false when it never did (or
	// its record was forgotten).
	LastSeen(ctx context.Context, a Address) (time.Time, bool, error)
}

// NewWindows returns an empty tracker.
func NewWindows(cfg WindowConfig) *Windows {
	d := cfg.Durations
	if d == nil {
		d = DefaultWindows()
	}
	w := &Windows{durations: d, clock: cfg.Clock, store: cfg.Store, seed: maphash.MakeSeed(),
		last: make(map[uint64]int64), nextSweep: 1024}
	for _, v := range d {
		w.longest = max(w.longest, v)
	}
	return w
}

// Observe records e if it is an interaction by the customer (a message, a
// postback, a follow) that opens or extends a window. Other events are
// ignored. With a Store, Observe uses context.Background and drops a store
// error; use ObserveContext to see it.
func (w *Windows) Observe(e Event) {
	_ = w.ObserveContext(context.Background(), e)
}

// Interaction returns the customer e is an interaction by — a message, a
// postback or a follow, the events that open or extend a window — and
// false for any other event or one without a sender.
func Interaction(e Event) (Address, bool) {
	switch e.Type {
	case EventMessage, EventPostback, EventFollow:
	default:
		return Address{}, false
	}
	from := e.From
	if from.IsZero() && e.Message != nil {
		from = e.Message.From
	}
	return from, from.ID != ""
}

// ObserveContext is Observe with a context; it returns the Store's error
// wrapped in ErrUnavailable (never one without a Store).
func (w *Windows) ObserveContext(ctx context.Context, e Event) error {
	from, ok := Interaction(e)
	if !ok {
		return nil
	}
	d, ok := w.durations[from.Channel]
	if !ok {
		return nil
	}
	at := e.Time
	if at.IsZero() {
		at = w.clock.Now()
	}
	if w.store != nil {
		if err := w.store.Touch(ctx, from, at, d); err != nil {
			return fmt.Errorf("%w: window: %w", ErrUnavailable, err)
		}
	}
	w.remember(addressKey(w.seed, from), at.UnixNano())
	return nil
}

// remember keeps n as k's last interaction if it is later than the one known,
// sweeping entries older than the longest window as the map grows.
func (w *Windows) remember(k uint64, n int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n > w.last[k] {
		w.last[k] = n
	}
	if len(w.last) >= w.nextSweep {
		cut := w.clock.Now().UnixNano() - int64(w.longest)
		for a, t := range w.last {
			if t <= cut {
				delete(w.last, a)
			}
		}
		w.nextSweep = max(1024, 2*len(w.last))
	}
}

// Track wraps h so every event it handles is observed first. When the Store
// fails, h is not called and the error wraps ErrUnavailable, so the webhook
// answers 5xx and the platform redelivers.
func (w *Windows) Track(h Handler) Handler {
	return HandlerFunc(func(ctx context.Context, e Event) error {
		if err := w.ObserveContext(ctx, e); err != nil {
			return err
		}
		return h.HandleEvent(ctx, e)
	})
}

// ClosesAt returns when a's window closes and whether the channel has a
// window and a was ever seen (in UTC). A time in the past means it is closed.
// With a Store, a store error reads as never seen; use ClosesAtContext to see
// it.
func (w *Windows) ClosesAt(a Address) (time.Time, bool) {
	t, ok, _ := w.ClosesAtContext(context.Background(), a)
	return t, ok
}

// ClosesAtContext is ClosesAt with a context; it returns the Store's error
// wrapped in ErrUnavailable.
func (w *Windows) ClosesAtContext(ctx context.Context, a Address) (time.Time, bool, error) {
	d, ok := w.durations[a.Channel]
	if !ok {
		return time.Time{}, false, nil
	}
	n, seen, err := w.lastSeen(ctx, a)
	if err != nil || !seen {
		return time.Time{}, false, err
	}
	return time.Unix(0, n).UTC().Add(d), true, nil
}

// lastSeen returns a's last interaction: the Store's answer when there is
// a Store, else the one this process observed.
func (w *Windows) lastSeen(ctx context.Context, a Address) (int64, bool, error) {
	k := addressKey(w.seed, a)
	if w.store != nil {
		t, ok, err := w.store.LastSeen(ctx, a)
		if err != nil {
			return 0, false, fmt.Errorf("%w: window: %w", ErrUnavailable, err)
		}
		if ok {
			w.remember(k, t.UnixNano())
		}
		return t.UnixNano(), ok, nil
	}
	n, ok := w.known(k)
	return n, ok, nil
}

// known returns k's last interaction as this process knows it.
func (w *Windows) known(k uint64) (int64, bool) {
	w.mu.Lock()
	n, ok := w.last[k]
	w.mu.Unlock()
	return n, ok
}

// Open reports whether a free-form message may be sent to a now: always on a
// channel without a window, otherwise only inside it. With a Store, a store
// error reads as closed; use OpenContext to see it.
func (w *Windows) Open(a Address) bool {
	ok, _ := w.OpenContext(context.Background(), a)
	return ok
}

// OpenContext is Open with a context; it returns false and the Store's error
// wrapped in ErrUnavailable when the store does not answer.
func (w *Windows) OpenContext(ctx context.Context, a Address) (bool, error) {
	d, ok := w.durations[a.Channel]
	if !ok {
		return true, nil
	}
	now := w.clock.Now().UnixNano()
	if w.store != nil {
		// A window only ever grows, so one this process saw open until
		// after now is open whatever other instances did since: no need
		// to ask the Store.
		if n, seen := w.known(addressKey(w.seed, a)); seen && now < n+int64(d) {
			return true, nil
		}
	}
	n, seen, err := w.lastSeen(ctx, a)
	if err != nil {
		return false, err
	}
	return seen && now < n+int64(d), nil
}

// Middleware returns a Middleware that lets a message through when the
// window is open, when it carries a Template, or when it carries a platform
// message Tag (Messenger's tags are the platform's own out-of-window rule, and
// the platform enforces them). Otherwise it fails before any network call with
// an error matching ErrWindowClosed. When the Store cannot say whether the
// window is open, the message does not go out and the error matches
// ErrUnavailable.
func (w *Windows) Middleware() Middleware {
	return func(next Sender) Sender {
		return SenderFunc(func(ctx context.Context, m *Message) (Receipt, error) {
			if m != nil && m.Template == nil && m.Tag == "" {
				open, err := w.OpenContext(ctx, m.To)
				if err != nil {
					return Receipt{}, err
				}
				if !open {
					return Receipt{}, fmt.Errorf("%w: no message from %s within %v; send a template",
						ErrWindowClosed, m.To.Channel, w.durations[m.To.Channel])
				}
			}
			return next.Send(ctx, m)
		})
	}
}
