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
