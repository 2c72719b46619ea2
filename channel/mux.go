package channel

import (
	"context"
	"fmt"
)

// Mux is a Handler serving events from every channel: it routes each event by
// its Channel to the Handler registered for it, or to the fallback.
//
// Register handlers before serving; a Mux is safe for concurrent use once it
// is serving.
type Mux struct {
	routes   map[Kind]Handler
	fallback Handler
}

// NewMux returns an empty Mux.
func NewMux() *Mux { return &Mux{routes: make(map[Kind]Handler)} }

// Handle routes events of channel k to h.
func (m *Mux) Handle(k Kind, h Handler) { m.routes[k] = h }

// Fallback routes events of channels without a route to h.
func (m *Mux) Fallback(h Handler) { m.fallback = h }

// HandleEvent implements Handler. An event with no route and no fallback is
// an error matching ErrUnsupported.
func (m *Mux) HandleEvent(ctx context.Context, e Event) error {
	if h, ok := m.routes[e.Channel]; ok {
		return h.HandleEvent(ctx, e)
	}
	if m.fallback != nil {
		return m.fallback.HandleEvent(ctx, e)
	}
	return fmt.Errorf("%w: no handler for channel %q", ErrUnsupported, e.Channel)
}

// Router is a Sender that sends each message through the Sender of its
// recipient's channel (Message.To.Channel). It is safe for concurrent use if
// its Senders are and it is not modified while sending.
type Router map[Kind]Sender

// Send implements Sender. A channel without a Sender is an error matching
// ErrInvalidRecipient.
func (r Router) Send(ctx context.Context, m *Message) (Receipt, error) {
	if m == nil {
		return Receipt{}, fmt.Errorf("%w: nil message", ErrInvalidMessage)
	}
	s, ok := r[m.To.Channel]
	if !ok {
		return Receipt{}, fmt.Errorf("%w: no sender for channel %q", ErrInvalidRecipient, m.To.Channel)
	}
	return s.Send(ctx, m)
}
