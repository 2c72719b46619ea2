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
	Clock     Clock
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

	seed      maphash.Seed
	mu        sync.Mutex
	last      map[uint64]int64 // last interaction (unix ns) by addressKey
	nextSweep int
}

// NewWindows returns an empty tracker.
func NewWindows(cfg WindowConfig) *Windows {
	d := cfg.Durations
	if d == nil {
		d = DefaultWindows()
	}
	w := &Windows{durations: d, clock: cfg.Clock, seed: maphash.MakeSeed(),
		last: make(map[uint64]int64), nextSweep: 1024}
	for _, v := range d {
		w.longest = max(w.longest, v)
	}
	return w
}

// Observe records e if it is an interaction by the customer (a message, a
// postback, a follow) that opens or extends a window. Other events are
// ignored.
func (w *Windows) Observe(e Event) {
	switch e.Type {
	case EventMessage, EventPostback, EventFollow:
	default:
		return
	}
	from := e.From
	if from.IsZero() && e.Message != nil {
		from = e.Message.From
	}
	if _, ok := w.durations[from.Channel]; !ok || from.ID == "" {
		return
	}
	at := e.Time
	if at.IsZero() {
		at = w.clock.now()
	}
	n := at.UnixNano()
	k := addressKey(w.seed, from)
	w.mu.Lock()
	defer w.mu.Unlock()
	if n > w.last[k] {
		w.last[k] = n
	}
	if len(w.last) >= w.nextSweep {
		cut := w.clock.now().UnixNano() - int64(w.longest)
		for a, t := range w.last {
			if t <= cut {
				delete(w.last, a)
			}
		}
		w.nextSweep = max(1024, 2*len(w.last))
	}
}

// Track wraps h so every event it handles is observed first.
func (w *Windows) Track(h Handler) Handler {
	return HandlerFunc(func(ctx context.Context, e Event) error {
		w.Observe(e)
		return h.HandleEvent(ctx, e)
	})
}

// ClosesAt returns when a's window closes and whether the channel has a
// window and a was ever seen (in UTC). A time in the past means it is closed.
func (w *Windows) ClosesAt(a Address) (time.Time, bool) {
	d, ok := w.durations[a.Channel]
	if !ok {
		return time.Time{}, false
	}
	n, seen := w.lastSeen(a)
	if !seen {
		return time.Time{}, false
	}
	return time.Unix(0, n).UTC().Add(d), true
}

func (w *Windows) lastSeen(a Address) (int64, bool) {
	k := addressKey(w.seed, a)
	w.mu.Lock()
	n, ok := w.last[k]
	w.mu.Unlock()
	return n, ok
}

// Open reports whether a free-form message may be sent to a now: always on a
// channel without a window, otherwise only inside it.
func (w *Windows) Open(a Address) bool {
	d, ok := w.durations[a.Channel]
	if !ok {
		return true
	}
	n, seen := w.lastSeen(a)
	return seen && w.clock.now().UnixNano() < n+int64(d)
}

// Middleware returns a Middleware that lets a message through when the
// window is open, when it carries a Template, or when it carries a platform
// message Tag (Messenger's tags are the platform's own out-of-window rule, and
// the platform enforces them). Otherwise it fails before any network call with
// an error matching ErrWindowClosed.
func (w *Windows) Middleware() Middleware {
	return func(next Sender) Sender {
		return SenderFunc(func(ctx context.Context, m *Message) (Receipt, error) {
			if m != nil && m.Template == nil && m.Tag == "" && !w.Open(m.To) {
				return Receipt{}, fmt.Errorf("%w: no message from %s within %v; send a template",
					ErrWindowClosed, m.To.Channel, w.durations[m.To.Channel])
			}
			return next.Send(ctx, m)
		})
	}
}
