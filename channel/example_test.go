package channel_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
)

// A Sender wrapped in the customer-service window and the per-recipient
// limit: outside the window only a template goes out, and a second message to
// the same customer within six seconds waits for the caller's decision.
func ExampleChain() {
	clk := channeltest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	fake := channeltest.New(channeltest.Config{Clock: clk.Now})
	windows := channel.NewWindows(channel.WindowConfig{Clock: clk.Now})
	send := channel.Chain(fake,
		channel.PerRecipient(channel.RecipientLimitConfig{Every: 6 * time.Second, Clock: clk.Now}),
		windows.Middleware(),
	)
	ctx := context.Background()
	customer := channel.Address{Channel: channel.WhatsApp, ID: "85291234567"}

	_, err := send.Send(ctx, &channel.Message{To: customer, Text: "Your parcel shipped"})
	fmt.Println("before the customer writes:", errors.Is(err, channel.ErrWindowClosed))

	windows.Observe(channel.Event{Type: channel.EventMessage, From: customer, Time: clk.Now()})
	clk.Advance(6 * time.Second)
	_, err = send.Send(ctx, &channel.Message{To: customer, Text: "Your parcel shipped"})
	fmt.Println("inside the window:", err)
	_, err = send.Send(ctx, &channel.Message{To: customer, Text: "Anything else?"})
	wait, _ := channel.RetryAfter(err)
	fmt.Println("right after:", errors.Is(err, channel.ErrRateLimited), wait)

	clk.Advance(25 * time.Hour)
	_, err = send.Send(ctx, &channel.Message{To: customer,
		Template: &channel.Template{Name: "parcel_update", Language: "en", Params: []string{"1Z999AA10123456784"}}})
	fmt.Println("a day later, a template:", err)
	// Output:
	// before the customer writes: true
	// inside the window: <nil>
	// right after: true 6s
	// a day later, a template: <nil>
}

// Dedupe makes a redelivered webhook event reach the handler once.
func ExampleDedupe() {
	h := channel.Dedupe(channel.HandlerFunc(func(_ context.Context, e channel.Event) error {
		fmt.Println("handling", e.ID)
		return nil
	}), channel.DedupeConfig{})
	e := channel.Event{Type: channel.EventMessage, Channel: channel.LINE, ID: "01FZ74A0TDDPYRVKNK77XKC3ZR"}
	_ = h.HandleEvent(context.Background(), e)
	_ = h.HandleEvent(context.Background(), e) // LINE redelivers
	// Output: handling 01FZ74A0TDDPYRVKNK77XKC3ZR
}

// Dedupe hands its store and the handler a context carrying the event as a
// Delivery, so the state stores one delivery touches can share work (see
// store/redis); a handler can read it too.
func ExampleDeliveryFrom() {
	h := channel.Dedupe(channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		d := channel.DeliveryFrom(ctx)
		fmt.Println("handling", d.Event.ID, "from", d.Event.From.ID)
		return nil
	}), channel.DedupeConfig{})
	e := channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp, ID: "wamid.1",
		From: channel.Address{Channel: channel.WhatsApp, ID: "85291234567"}}
	_ = h.HandleEvent(context.Background(), e)
	_ = h.HandleEvent(context.Background(), e) // a redelivery: not handled again
	fmt.Println(channel.DeliveryFrom(context.Background()) == nil)
	// Output:
	// handling wamid.1 from 85291234567
	// true
}

// An instance claimed an event and died before completing it; once the
// lease runs out, the redelivery takes the claim over. GuardTakeover keeps
// the reply from going out blindly a second time: it becomes an unknown
// delivery, for the outbox and a person to reconcile.
func ExampleGuardTakeover() {
	ctx := context.Background()
	store := channel.NewMemoryDedupeStore(0)
	clock := channeltest.NewClock(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	outbox := channel.NewMemoryOutbox()
	send := channel.GuardTakeover()(channel.SenderFunc(func(context.Context, *channel.Message) (channel.Receipt, error) {
		fmt.Println("sent")
		return channel.Receipt{}, nil
	}))
	h := channel.Dedupe(channel.HandlerFunc(func(ctx context.Context, e channel.Event) error {
		m := &channel.Message{To: e.From, Text: "Your parcel is on its way."}
		if _, err := send.Send(ctx, m); err != nil {
			_, _ = outbox.Put(ctx, channel.OutboxEntry{Message: *m, State: channel.OutboxStateOf(err), Err: err.Error(), At: clock.Now()})
		}
		return nil
	}), channel.DedupeConfig{Store: store, Clock: clock.Now, Lease: time.Minute})
	e := channel.Event{Type: channel.EventMessage, Channel: channel.WhatsApp, ID: "wamid.7",
		From: channel.Address{Channel: channel.WhatsApp, ID: "85291234567"}}

	_, _ = store.Claim(ctx, channel.DedupeKey(e.Channel, e.ID), clock.Now(), time.Minute) // the instance that died
	clock.Advance(time.Minute)
	_ = h.HandleEvent(ctx, e) // the platform's redelivery
	pending, _ := outbox.Pending(ctx, 10)
	fmt.Println(len(pending), pending[0].State == channel.OutboxUnknown)
	// Output: 1 true
}
