package channel

import "context"

// Sender sends one message. Every adapter's *Client is a Sender, and so is
// every middleware-wrapped Sender.
type Sender interface {
	Send(ctx context.Context, m *Message) (Receipt, error)
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, m *Message) (Receipt, error)

// Send calls f(ctx, m).
func (f SenderFunc) Send(ctx context.Context, m *Message) (Receipt, error) { return f(ctx, m) }

// Handler receives the events a webhook parsed. A non-nil error tells the
// adapter to answer the platform with a failure status so it redelivers.
type Handler interface {
	HandleEvent(ctx context.Context, e Event) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, e Event) error

// HandleEvent calls f(ctx, e).
func (f HandlerFunc) HandleEvent(ctx context.Context, e Event) error { return f(ctx, e) }

// Middleware wraps a Sender with extra behaviour (a limit, a check).
type Middleware func(Sender) Sender

// Chain wraps s in mws. The first middleware is the outermost: it sees a
// message first. Chain(s) returns s.
func Chain(s Sender, mws ...Middleware) Sender {
	for i := len(mws) - 1; i >= 0; i-- {
		s = mws[i](s)
	}
	return s
}
