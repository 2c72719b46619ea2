package trackingtest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/switchboard-go/switchboard/channel"
	"github.com/switchboard-go/switchboard/channel/channeltest"
	"github.com/switchboard-go/switchboard/tracking"
	"github.com/switchboard-go/switchboard/tracking/dhl"
	"github.com/switchboard-go/switchboard/tracking/trackingtest"
)

// A fake carrier answers like the real one, on demand: here a throttled
// call, then the scripted shipment as the test's clock moves.
func ExampleNewDHL() {
	clock := channeltest.NewClock(time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC))
	srv := trackingtest.NewDHL(trackingtest.Config{Clock: clock.Now, Daily: 250})
	defer srv.Close()
	srv.Add(trackingtest.Script{Number: "7777777770", Steps: []trackingtest.Step{
		{At: clock.Now(), Status: tracking.StatusInTransit, City: "LEIPZIG", CountryCode: "DE"},
		{At: clock.Now().Add(20 * time.Hour), Status: tracking.StatusDelivered, City: "BERLIN", CountryCode: "DE"},
	}})
	c, err := dhl.New(dhl.Config{APIKey: srv.APIKey, BaseURL: srv.URL, HTTPClient: srv.Client(), Retry: channel.Retry{MaxAttempts: 1}})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	srv.Fail(http.StatusTooManyRequests, 1, time.Minute)
	_, err = c.Track(ctx, "7777777770")
	wait, _ := tracking.RetryAfter(err)
	fmt.Println(errors.Is(err, tracking.ErrRateLimited), wait)

	s, _ := c.Track(ctx, "7777777770")
	fmt.Println(s.Status, s.Location)
	clock.Advance(24 * time.Hour)
	s, _ = c.Track(ctx, "7777777770")
	fmt.Println(s.Status, s.Location)
	fmt.Println("calls:", srv.Calls())
	// Output:
	// true 1m0s
	// in_transit LEIPZIG, DE
	// delivered BERLIN, DE
	// calls: 3
}
