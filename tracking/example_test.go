package tracking_test

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/dhl"
	"github.com/switchboard-go/switchboard/tracking/trackingtest"
)

func ExampleDetect() {
	for _, n := range []string{"1Z 999 AA1 0123 4567 84", "7777777770", "123456789012", "RR123456785CN"} {
		fmt.Println(n, "→", tracking.Detect(n))
	}
	// Output:
	// 1Z 999 AA1 0123 4567 84 → [ups]
	// 7777777770 → [dhl]
	// 123456789012 → [fedex dhl]
	// RR123456785CN → [17track]
}

func ExampleStaleRules_Evaluate() {
	lastScan := time.Date(2026, 11, 17, 9, 0, 0, 0, time.UTC)
	s := &tracking.Shipment{
		Status:     tracking.StatusInTransit,
		LastUpdate: lastScan,
		Events:     []tracking.Event{{Time: lastScan, Location: tracking.Location{City: "LEIPZIG", CountryCode: "DE"}}},
	}
	var rules tracking.StaleRules // 72 h without update, 48 h at one place
	fmt.Println(rules.Evaluate(s, lastScan.Add(50*time.Hour)))
	fmt.Println(rules.Evaluate(s, lastScan.Add(80*time.Hour)))
	// Output:
	// at LEIPZIG, DE for 50h0m0s (since 2026-11-17T09:00:00Z)
	// no carrier update for 80h0m0s (last at 2026-11-17T09:00:00Z)
}

func ExamplePoller() {
	start := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	clock := channeltest.NewClock(start)
	srv := trackingtest.NewDHL(trackingtest.Config{Clock: clock.Now})
	defer srv.Close()
	srv.Add(trackingtest.Script{Number: "7777777770", Steps: []trackingtest.Step{
		{At: start.Add(-time.Hour), Status: tracking.StatusInTransit, City: "HONG KONG", CountryCode: "HK", Description: "Departed facility"},
		{At: start.Add(5 * time.Hour), Status: tracking.StatusOutForDelivery, City: "BERLIN", CountryCode: "DE", Description: "With delivery courier"},
		{At: start.Add(7 * time.Hour), Status: tracking.StatusDelivered, City: "BERLIN", CountryCode: "DE", Description: "Delivered"},
	}})
	carrier, _ := dhl.New(dhl.Config{APIKey: srv.APIKey, BaseURL: srv.URL, HTTPClient: srv.Client(), Clock: clock.Now})

	p, _ := tracking.NewPoller(tracking.PollerConfig{
		Trackers: map[tracking.Carrier]tracking.Tracker{tracking.DHL: carrier},
		Clock:    clock.Now,
		OnChange: func(c tracking.Change) {
			if c.Kind == tracking.StatusChanged {
				s := c.Shipment
				fmt.Printf("%s %s: %s → %s at %s (last updated at %s)\n", c.Ref, c.Number, c.From, c.To,
					s.Location, s.LastUpdate.Format("15:04 MST"))
			}
		},
	})
	ctx := context.Background()
	_ = p.Watch(ctx, tracking.DHL, "7777777770", "order-1001")
	// One pass an hour; in transit is polled every 3 h (08:00, 11:00, 14:00,
	// 17:00), and nothing after delivery. DHL's statusCode has no "out for
	// delivery", so the courier scan at 13:00 stays in transit.
	for range 10 {
		_, _ = p.Poll(ctx)
		clock.Advance(time.Hour)
	}
	fmt.Println("carrier calls:", srv.Calls())
	// Output:
	// order-1001 7777777770: unknown → in_transit at HONG KONG, HK (last updated at 07:00 UTC)
	// order-1001 7777777770: in_transit → delivered at BERLIN, DE (last updated at 15:00 UTC)
	// carrier calls: 4
}
