package channel

import (
	"context"
	"fmt"
	"sync"
)

// A Delivery is one inbound event on its way through Dedupe to the handler.
// Dedupe puts it in the context it gives its store's Claim, the handler and
// its store's Complete, so the state stores one delivery touches (the claim,
// the customer's window, the conversation, the per-recipient limit) can
// share what they learnt and what they still have to write, and do the
// delivery's state work in fewer round trips: store/redis reads the
// conversation and records the window in the claim's round trip, and sends
// the conversation's save with the next call that needs the server.
//
// A store keeps its per-delivery data under a key of its own type, as
// context values are kept. Safe for concurrent use.
type Delivery struct {
	// Event is the event being handled.
	Event Event
	// TakenOver: an earlier holder of this event's claim stopped before it
	// completed or released it (ClaimTakenOver), so a reply it may have
	// sent is unknown. Set by Dedupe before the handler runs; read only
	// after that.
	TakenOver bool

	mu   sync.Mutex
	vals map[any]any
}

type deliveryKey struct{}

// WithDelivery returns a copy of ctx carrying d.
func WithDelivery(ctx context.Context, d *Delivery) context.Context {
	return context.WithValue(ctx, deliveryKey{}, d)
}

// DeliveryFrom returns the Delivery ctx carries, or nil when it carries
// none (a send outside any webhook, a test calling a store directly).
func DeliveryFrom(ctx context.Context) *Delivery {
	d, _ := ctx.Value(deliveryKey{}).(*Delivery)
	return d
}

// Value returns the value stored under key, or nil.
func (d *Delivery) Value(key any) any {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.vals[key]
}

// LoadOrStore returns the value stored under key if there is one;
// otherwise it stores v and returns it.
func (d *Delivery) LoadOrStore(key, v any) any {
	d.mu.Lock()
	defer d.mu.Unlock()
	if old, ok := d.vals[key]; ok {
		return old
	}
	if d.vals == nil {
		d.vals = make(map[any]any)
	}
	d.vals[key] = v
	return v
}

// GuardTakeover returns a Middleware that sends nothing while handling a
// delivery whose claim was taken over (Delivery.TakenOver): the earlier
// holder stopped mid-way, perhaps just after this reply went out, and
// sending it again blindly could answer the customer twice. The send fails
// with an error matching both ErrTakenOver and ErrDeliveryUnknown, so the
// caller keeps the reply as an unknown delivery to reconcile
// (OutboxStateOf gives OutboxUnknown), as for any send whose outcome is
// unknown. Sends outside such a delivery pass through untouched. Safe for
// concurrent use.
func GuardTakeover() Middleware {
	return func(next Sender) Sender {
		return SenderFunc(func(ctx context.Context, m *Message) (Receipt, error) {
			if d := DeliveryFrom(ctx); d != nil && d.TakenOver {
				return Receipt{}, errTakenOver
			}
			return next.Send(ctx, m)
		})
	}
}

var errTakenOver = fmt.Errorf("%w: %w", ErrDeliveryUnknown, ErrTakenOver)
