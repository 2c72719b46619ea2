// Package channeltest provides a fake channel for tests, the way
// net/http/httptest provides a fake server: a Sender that records every
// message, customers that write to a Handler, and switches to make sends fail,
// throttle or slow down.
//
//	fake := channeltest.New(channeltest.Config{})
//	bot := mybot.New(fake)                 // the bot sends through the fake
//	alice := fake.Customer(channel.WhatsApp, "85291234567")
//	_ = alice.Says(ctx, bot, "where is my parcel")
//	sent, _ := fake.WaitForSends(ctx, 1)   // what the bot answered
//
// A Fake is safe for concurrent use.
package channeltest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/switchboard-go/switchboard/channel"
)

// Fake is a recording channel.Sender for every channel kind.
type Fake struct {
	clock channel.Clock

	mu       sync.Mutex
	sent     []*channel.Message
	changed  chan struct{} // closed and replaced on every recorded send
	failures []failure
	limiter  *rate.Limiter
	latency  time.Duration
	nextID   int
	business map[channel.Kind]channel.Address
}

type failure struct {
	n   int
	err error
}

// Config configures a Fake; the zero value works (time.Now, no latency,
// no throttle). It has the shape of the adapter fakes' Config
// (whatsapptest.NewServer(whatsapptest.Config{...})).
type Config struct {
	// Clock stamps messages and drives the throttle; nil means time.Now.
	Clock channel.Clock
}

// New returns an empty Fake.
func New(cfg Config) *Fake {
	return &Fake{clock: cfg.Clock, changed: make(chan struct{}), business: make(map[channel.Kind]channel.Address)}
}

func (f *Fake) now() time.Time { return f.clock.Now() }

// Send records m and answers like a platform: it validates m (the same
// ErrInvalidMessage / ErrInvalidRecipient any adapter would return), waits
// the configured latency (honouring ctx), applies queued failures and the
// throttle, and returns a Receipt with a fresh message id. Failed sends are
// not recorded.
func (f *Fake) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	if err := m.Validate(); err != nil {
		return channel.Receipt{}, err
	}
	f.mu.Lock()
	latency := f.latency
	f.mu.Unlock()
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return channel.Receipt{}, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.failures) > 0 {
		fl := &f.failures[0]
		err := fl.err
		if fl.n--; fl.n <= 0 {
			f.failures = f.failures[1:]
		}
		return channel.Receipt{}, err
	}
	if f.limiter != nil {
		now := f.now()
		if !f.limiter.AllowN(now, 1) {
			r := f.limiter.ReserveN(now, 1)
			wait := r.DelayFrom(now)
			r.CancelAt(now)
			return channel.Receipt{}, &channel.APIError{
				Channel: m.To.Channel, StatusCode: 429, Message: "fake channel: throttled",
				RetryAfter: wait, Err: channel.ErrRateLimited,
			}
		}
	}
	f.nextID++
	id := "fake." + string(m.To.Channel) + "." + strconv.Itoa(f.nextID)
	c := clone(m)
	c.ID = id
	if c.Time.IsZero() {
		c.Time = f.now()
	}
	if c.From.IsZero() {
		c.From = f.businessLocked(m.To.Channel)
	}
	f.sent = append(f.sent, c)
	close(f.changed)
	f.changed = make(chan struct{})
	return channel.Receipt{MessageID: id, MessageIDs: []string{id}, Channel: m.To.Channel, To: m.To}, nil
}

func clone(m *channel.Message) *channel.Message {
	c := *m
	c.Buttons = slices.Clone(m.Buttons)
	if m.Media != nil {
		md := *m.Media
		c.Media = &md
	}
	if m.Template != nil {
		t := *m.Template
		t.Params = slices.Clone(t.Params)
		if t.NamedParams != nil {
			t.NamedParams = make(map[string]string, len(m.Template.NamedParams))
			for k, v := range m.Template.NamedParams {
				t.NamedParams[k] = v
			}
		}
		c.Template = &t
	}
	return &c
}

func (f *Fake) businessLocked(k channel.Kind) channel.Address {
	if a, ok := f.business[k]; ok {
		return a
	}
	return channel.Address{Channel: k, ID: "shop"}
}

// SetBusiness sets the business address messages come from and customers
// write to on channel a.Channel (default id "shop").
func (f *Fake) SetBusiness(a channel.Address) {
	f.mu.Lock()
	f.business[a.Channel] = a
	f.mu.Unlock()
}

// FailNext makes the next n sends fail with err (queued after earlier
// FailNext calls). Use an *channel.APIError to look like a platform.
func (f *Fake) FailNext(n int, err error) {
	if n <= 0 || err == nil {
		return
	}
	f.mu.Lock()
	f.failures = append(f.failures, failure{n: n, err: err})
	f.mu.Unlock()
}

// ThrottleAbove makes sends beyond r per second (bursts of burst) fail with an
// *channel.APIError matching channel.ErrRateLimited and carrying the wait, on
// the fake's clock. ThrottleAbove(rate.Inf, 0) turns throttling off.
func (f *Fake) ThrottleAbove(r rate.Limit, burst int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r == rate.Inf {
		f.limiter = nil
		return
	}
	f.limiter = rate.NewLimiter(r, burst)
}

// SetLatency makes every send take d (a real wait, cut short by ctx).
func (f *Fake) SetLatency(d time.Duration) {
	f.mu.Lock()
	f.latency = d
	f.mu.Unlock()
}

// Sent returns a copy of every message recorded so far, in order.
func (f *Fake) Sent() []*channel.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sent)
}

// SentTo returns the messages recorded for one recipient, in order.
func (f *Fake) SentTo(a channel.Address) []*channel.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*channel.Message
	for _, m := range f.sent {
		if m.To == a {
			out = append(out, m)
		}
	}
	return out
}

// Reset forgets recorded messages, queued failures, throttling and latency.
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent, f.failures, f.limiter, f.latency = nil, nil, nil, 0
}

// ErrTimeout is returned by WaitForSends when ctx ends first.
var ErrTimeout = errors.New("channeltest: timed out waiting for sends")

// WaitForSends waits until at least n messages were recorded and returns them
// all, or returns what was recorded with an error wrapping ErrTimeout when
// ctx is done first.
func (f *Fake) WaitForSends(ctx context.Context, n int) ([]*channel.Message, error) {
	for {
		f.mu.Lock()
		if len(f.sent) >= n {
			out := slices.Clone(f.sent)
			f.mu.Unlock()
			return out, nil
		}
		changed := f.changed
		got := slices.Clone(f.sent)
		f.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return got, fmt.Errorf("%w: %d of %d (%v)", ErrTimeout, len(got), n, ctx.Err())
		}
	}
}

// Customer is a person writing to the shop on one channel.
type Customer struct {
	fake *Fake
	// Address is the customer's address on the fake's channel: what the
	// shop replies to.
	Address channel.Address
	// Name and Phone, when set, are reported on each message's Contact as a
	// platform would.
	Name, Phone string

	mu  sync.Mutex
	seq int
}

// Customer returns a customer writing on channel k with platform id id.
func (f *Fake) Customer(k channel.Kind, id string) *Customer {
	return &Customer{fake: f, Address: channel.Address{Channel: k, ID: id}}
}

// Message builds the inbound message event the customer's text would arrive
// as: a unique message id, the fake's clock, the business as recipient.
func (c *Customer) Message(text string) channel.Event {
	c.mu.Lock()
	c.seq++
	seq := c.seq
	c.mu.Unlock()
	f := c.fake
	f.mu.Lock()
	to := f.businessLocked(c.Address.Channel)
	f.mu.Unlock()
	now := f.now()
	m := &channel.Message{
		ID:   "in." + c.Address.ID + "." + strconv.Itoa(seq),
		From: c.Address, To: to, Time: now, Text: text,
	}
	if c.Name != "" || c.Phone != "" {
		m.Contact = &channel.Contact{Name: c.Name, Phone: c.Phone}
	}
	return channel.Event{
		Type: channel.EventMessage, Channel: c.Address.Channel, ID: m.ID,
		From: c.Address, To: to, Time: now, Message: m,
	}
}

// Says delivers a text message from the customer to h and returns h's error.
func (c *Customer) Says(ctx context.Context, h channel.Handler, text string) error {
	return h.HandleEvent(ctx, c.Message(text))
}

// Follows delivers a follow event (the customer added the shop) to h.
func (c *Customer) Follows(ctx context.Context, h channel.Handler) error {
	f := c.fake
	f.mu.Lock()
	to := f.businessLocked(c.Address.Channel)
	f.mu.Unlock()
	return h.HandleEvent(ctx, channel.Event{
		Type: channel.EventFollow, Channel: c.Address.Channel, From: c.Address, To: to, Time: f.now(),
	})
}
