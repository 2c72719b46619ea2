package seventeentrack_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/seventeentrack"
	"github.com/switchboard-go/switchboard/tracking/trackingtest"
)

func Example() {
	now := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	srv := trackingtest.NewSeventeenTrack(trackingtest.Config{Clock: func() time.Time { return now }})
	defer srv.Close()
	srv.Add(trackingtest.Script{Number: "RR123456785CN", Service: "China Post", Steps: []trackingtest.Step{
		{At: now.Add(-3 * time.Hour), Status: tracking.StatusCustomsHeld, Description: "Customs clearance", City: "BANGKOK", CountryCode: "TH"},
	}})

	c, err := seventeentrack.New(seventeentrack.Config{
		Token: srv.Token, AutoRegister: true,
		BaseURL: srv.URL, HTTPClient: srv.Client(),
	})
	if err != nil {
		log.Fatal(err)
	}
	s, err := c.Track(context.Background(), "RR123456785CN")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Service, s.Status, s.RawCode, s.Location)
	// Output:
	// China Post customs_held InTransit_CustomsProcessing BANGKOK, TH
}
