package notify_test

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/notify"
	"github.com/switchboard-go/switchboard/tracking"
)

// A parcel goes out for delivery at 22:30 in Bangkok. The customer wrote on
// WhatsApp two days ago, so the window is closed: the notice goes out as an
// approved template, at once, because parcel updates are transactional.
// An "invoice ready" notice at the same moment is utility: it waits for the
// end of the customer's quiet hours.
func Example() {
	clk := channeltest.NewClock(time.Date(2026, 6, 10, 15, 30, 0, 0, time.UTC)) // 22:30 in Bangkok
	windows := channel.NewWindows(channel.WindowConfig{Clock: clk.Now})
	customer := channel.Address{Channel: channel.WhatsApp, ID: "66891234567"}
	windows.Observe(channel.Event{Type: channel.EventMessage, From: customer, Time: clk.Now().Add(-48 * time.Hour)})

	planner, err := notify.New(notify.Config{Windows: windows, Clock: clk.Now})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	change := tracking.Change{Kind: tracking.StatusChanged, Carrier: "dhl", Number: "JD014600006281", Ref: "order-1042",
		From: tracking.StatusInTransit, To: tracking.StatusOutForDelivery}
	parcel, _ := notify.FromChange(change, customer, "", clk.Now())
	parcel.Phone = "+66891234567"
	invoice := notify.Notice{ID: "order-1042/invoice", To: customer, Kind: notify.Utility,
		TemplateKey: "invoice_ready", Phone: "+66891234567"}

	for _, n := range []notify.Notice{parcel, invoice} {
		ds, err := planner.Plan(ctx, n)
		if err != nil {
			panic(err)
		}
		for _, d := range ds {
			fmt.Printf("%s: %s (%s)", d.Notice.TemplateKey, d.Action, d.Reason)
			if d.Action == notify.Defer {
				fmt.Printf(" until %s", d.At.In(time.FixedZone("ICT", 7*3600)).Format("Jan 2 15:04"))
			}
			fmt.Println()
		}
	}
	// Output:
	// parcel_out_for_delivery: send (window closed: approved template)
	// invoice_ready: defer (quiet hours) until Jun 11 08:00
}
