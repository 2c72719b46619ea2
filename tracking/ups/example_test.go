package ups_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/trackingtest"
	"github.com/switchboard-go/switchboard/tracking/ups"
)

func ExampleClient_Track() {
	now := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	srv := trackingtest.NewUPS(trackingtest.Config{Clock: func() time.Time { return now }})
	defer srv.Close()
	est := time.FixedZone("EST", -5*3600)
	srv.Add(trackingtest.Script{Number: "1Z999AA10123456784", Steps: []trackingtest.Step{
		{At: now.Add(-20 * time.Hour).In(est), Status: tracking.StatusInfoReceived, Description: "Shipper created a label"},
		{At: now.Add(-30 * time.Minute).In(est), Status: tracking.StatusOutForDelivery, Description: "Out For Delivery Today", City: "ATLANTA", CountryCode: "US"},
	}})

	c, err := ups.New(ups.Config{
		ClientID: srv.ClientID, ClientSecret: srv.ClientSecret, TransactionSrc: "shopbot",
		BaseURL: srv.URL, HTTPClient: srv.Client(),
	})
	if err != nil {
		log.Fatal(err)
	}
	s, err := c.Track(context.Background(), "1Z999AA10123456784")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s in %s, last updated at %s\n", s.Status, s.Location, s.LastUpdate.Format("2006-01-02 15:04 -07:00"))
	// Output:
	// out_for_delivery in ATLANTA, US, last updated at 2026-11-20 02:30 -05:00
}
