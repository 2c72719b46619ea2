package dhl_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/dhl"
	"github.com/switchboard-go/switchboard/tracking/trackingtest"
)

func Example() {
	now := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	srv := trackingtest.NewDHL(trackingtest.Config{Clock: func() time.Time { return now }})
	defer srv.Close()
	srv.Add(trackingtest.Script{Number: "7777777770", Steps: []trackingtest.Step{
		{At: now.Add(-90 * time.Minute), Status: tracking.StatusInTransit, Description: "Processed at LEIPZIG - GERMANY", City: "LEIPZIG", CountryCode: "DE"},
	}})

	c, err := dhl.New(dhl.Config{
		APIKey:  srv.APIKey, // your DHL-API-Key
		Service: dhl.ServiceExpress,
		BaseURL: srv.URL, HTTPClient: srv.Client(), // omit both in production
	})
	if err != nil {
		log.Fatal(err)
	}
	s, err := c.Track(context.Background(), "7777777770")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s (%s: %s), last updated at %s\n", s.Status, s.RawCode, s.RawDescription, s.LastUpdate.Format(time.Kitchen))

	_, err = c.Track(context.Background(), "1234567890")
	fmt.Println(errors.Is(err, tracking.ErrNotFound))
	// Output:
	// in_transit (transit: Processed at LEIPZIG - GERMANY), last updated at 6:30AM
	// true
}
