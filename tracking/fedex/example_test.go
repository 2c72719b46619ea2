package fedex_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/fedex"
	"github.com/switchboard-go/switchboard/tracking/trackingtest"
)

func ExampleClient_TrackBatch() {
	now := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	srv := trackingtest.NewFedEx(trackingtest.Config{Clock: func() time.Time { return now }})
	defer srv.Close()
	srv.Add(trackingtest.Script{Number: "123456789012", Signer: "J.DOE", Steps: []trackingtest.Step{
		{At: now.Add(-26 * time.Hour), Status: tracking.StatusInTransit, Code: "PU", Description: "Picked up"},
		{At: now.Add(-2 * time.Hour), Status: tracking.StatusDelivered, Description: "Delivered", City: "Norton", CountryCode: "US"},
	}})

	c, err := fedex.New(fedex.Config{
		ClientID: srv.ClientID, ClientSecret: srv.ClientSecret,
		BaseURL: srv.URL, HTTPClient: srv.Client(),
	})
	if err != nil {
		log.Fatal(err)
	}
	results, err := c.TrackBatch(context.Background(), []string{"123456789012", "999999999999"})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			fmt.Println(r.Number, "error:", r.Err)
			continue
		}
		fmt.Println(r.Number, r.Shipment.Status, "signed by", r.Shipment.Signer)
	}
	fmt.Println("token fetches:", srv.TokenCalls())
	// Output:
	// 123456789012 delivered signed by J.DOE
	// 999999999999 error: tracking: fedex: TRACKING.TRACKINGNUMBER.NOTFOUND: Tracking number cannot be found. Please correct the tracking number and try again. (tracking: shipment not found)
	// token fetches: 1
}
