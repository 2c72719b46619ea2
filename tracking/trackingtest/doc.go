// Package trackingtest provides fake carrier servers on httptest for tests:
// DHL (Unified Shipment Tracking), FedEx (OAuth + Track v1), UPS (OAuth +
// Track v1) and 17TRACK (API v2.2). Each speaks its carrier's request and
// response shapes and authentication, holds scripted shipments whose events
// appear as the test's clock moves past them, counts calls, enforces a rate
// limit and a daily quota, and answers 429, 5xx or "not found" on demand.
//
//	clock := channeltest.NewClock(start)
//	srv := trackingtest.NewDHL(trackingtest.Config{Clock: clock.Now})
//	defer srv.Close()
//	srv.Add(trackingtest.Script{Number: "7777777770", Steps: []trackingtest.Step{...}})
//	c, _ := dhl.New(dhl.Config{APIKey: srv.APIKey, BaseURL: srv.URL, HTTPClient: srv.Client()})
//
// Every fake is safe for concurrent use.
package trackingtest
